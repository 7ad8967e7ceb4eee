// The loader tensorrtx copies into every model folder (loadWeights in common.hpp / utils.h),
// reduced to the parsing: `input >> std::hex >> val[x]` per value. The reference the .wts
// decoder is measured against.
//   g++ -O2 -o bench/data/wts_ifstream bench/wts_ifstream.cpp && bench/data/wts_ifstream bench/data/resnet50.wts
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE.wts\n", argv[0]);
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpuStart = std::clock();
  std::map<std::string, std::vector<uint32_t>> weights;
  std::ifstream input(argv[1]);
  if (!input.is_open()) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 2;
  }
  int32_t count;
  input >> count;
  uint64_t values = 0;
  while (count--) {
    uint32_t size;
    std::string name;
    input >> name >> std::dec >> size;
    std::vector<uint32_t> val(size);
    for (uint32_t x = 0; x < size; ++x) input >> std::hex >> val[x];
    values += size;
    weights[name] = std::move(val);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // CPU time (user + system): what the wall time is on an idle machine.
  double cpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  std::printf("{\"file\":\"%s\",\"tensors\":%zu,\"values\":%llu,\"seconds\":%.3f,\"cpuSeconds\":%.3f}\n", argv[1], weights.size(),
              static_cast<unsigned long long>(values), seconds, cpuSeconds);
  return 0;
}
