#!/usr/bin/env bash
# Compile check of the TensorRT bridge without a TensorRT library: compiles every C++ source under
# native/src (and any extra files given after INCLUDE_DIR) against the TensorRT headers in
# INCLUDE_DIR, with the bridge enabled, -Wall -Wextra -Werror, into an object file that is thrown
# away (no linking; a full compile also reports the unused-function warnings -fsyntax-only misses).
# Usage: native/check-tensorrt.sh INCLUDE_DIR [EXTRA.cpp ...]
# Exits 0 only when every file compiles without warnings; prints how many files it compiled.
#
# With --recorder instead: builds the addon against those headers linked with the recording
# libnvinfer (native/test/recorder, a test double), builds lenet5, resnet18, mobilenet_v2 and
# squeezenet1_1 in FP32, FP16 and BF16 through the engine host, replays each recording on ONNX
# Runtime and compares (native/test/recorder/run-recorder.ts). Work files go to
# $TRT_RECORDER_WORK (default /tmp/trt-recorder-MAJOR.MINOR); a second run rebuilds only what changed.
# Usage: native/check-tensorrt.sh INCLUDE_DIR --recorder [MODEL ...]
set -u
if [ $# -lt 1 ] || [ ! -f "$1/NvInfer.h" ]; then
  echo "Usage: native/check-tensorrt.sh INCLUDE_DIR [EXTRA.cpp ...] | INCLUDE_DIR --recorder [MODEL ...] — INCLUDE_DIR must hold NvInfer.h; got '${1:-}'." >&2
  exit 2
fi
include_dir=$(cd "$1" && pwd)
shift
recorder=0
if [ "${1:-}" = "--recorder" ]; then
  recorder=1
  shift
fi
native_dir=$(cd "$(dirname "$0")" && pwd)
root_dir=$(dirname "$native_dir")
cxx=${CXX:-g++}

# CUDA's headers from the usual places (cuda_runtime_api.h is what NvInferRuntimeBase.h includes).
cuda_include=""
for candidate in "${CUDA_HOME:-}" "${CUDA_PATH:-}" /usr/local/cuda /usr/local/cuda-13.0 /usr/local/cuda-12 /usr/local/cuda-12.9 /opt/cuda /usr; do
  if [ -n "$candidate" ] && [ -f "$candidate/include/cuda_runtime_api.h" ]; then
    cuda_include="$candidate/include"
    break
  fi
done
if [ -z "$cuda_include" ]; then
  echo "check-tensorrt: no cuda_runtime_api.h in CUDA_HOME, /usr/local/cuda or /usr/include; install the CUDA toolkit headers (apt: nvidia-cuda-toolkit)." >&2
  exit 2
fi

node_include=""
for candidate in /usr/include/node /usr/local/include/node "$root_dir/node_modules/node-api-headers/include"; do
  if [ -f "$candidate/node_api.h" ]; then node_include="$candidate"; break; fi
done
addon_api="$root_dir/node_modules/node-addon-api"
if [ -z "$node_include" ] || [ ! -f "$addon_api/napi.h" ]; then
  echo "check-tensorrt: Node-API headers not found (node_api.h in /usr/include/node or node-api-headers, napi.h in node-addon-api); run npm ci." >&2
  exit 2
fi

# The header the CMake build generates, as a TensorRT-enabled build would write it.
generated=$(mktemp -d)
trap 'rm -rf "$generated"' EXIT
# NvInferVersion.h spells the version NV_TENSORRT_MAJOR up to 10.10 and TRT_MAJOR_ENTERPRISE from 10.11 on.
version_part() {
  sed -nE "s/^#define (TRT_$1_ENTERPRISE|NV_TENSORRT_$1)[[:space:]]+([0-9]+).*/\\2/p" "$include_dir/NvInferVersion.h" | head -1
}
major=$(version_part MAJOR)
version="$major.$(version_part MINOR).$(version_part PATCH)"
cat > "$generated/trt_studio_build_config.h" <<HEADER
#pragma once
#define TRT_STUDIO_BUILT_WITH_TENSORRT 1
#define TRT_STUDIO_BUILD_TENSORRT_VERSION "$version"
#define TRT_STUDIO_BUILD_TENSORRT_MAJOR $major
#define TRT_STUDIO_WITHOUT_TENSORRT_REASON ""
HEADER

if [ "$recorder" -eq 1 ]; then
  work=${TRT_RECORDER_WORK:-/tmp/trt-recorder-$major.$(version_part MINOR)}
  mkdir -p "$work/lib" "$work/cuda"
  recorder_dir="$native_dir/test/recorder"
  # The recording libnvinfer.so.MAJOR, its stubs generated from these headers (never committed).
  python3 "$recorder_dir/generate_stubs.py" "$include_dir" "$work/recorder_stubs.h" || exit 1
  "$cxx" -std=c++17 -shared -fPIC -O1 -Wall -Wextra -Werror -Wno-deprecated-declarations -isystem "$include_dir" -isystem "$cuda_include" \
    -I"$work" -Wl,-soname,"libnvinfer.so.$major" -o "$work/lib/libnvinfer.so.$major" "$recorder_dir/recorder.cc" || exit 1
  ln -sf "libnvinfer.so.$major" "$work/lib/libnvinfer.so"
  gcc -shared -fPIC -Wall -Werror -Wl,-soname,libcuda.so.1 -o "$work/cuda/libcuda.so.1" "$recorder_dir/cuda_stand_in.c" || exit 1
  # The addon as npm run build:native builds it, but against these headers and the recorder.
  node "$root_dir/node_modules/cmake-js/bin/cmake-js" build --directory "$native_dir" --out "$work/addon" --log-level warn --parallel 2 \
    --CDTRT_INCLUDE_DIR="$include_dir" --CDTRT_LIB_DIR="$work/lib" > "$work/addon-build.log" 2>&1 || {
    tail -30 "$work/addon-build.log" >&2
    echo "check-tensorrt: the addon did not build against the recorder; see $work/addon-build.log." >&2
    exit 1
  }
  cd "$root_dir" && LD_LIBRARY_PATH="$work/lib:$work/cuda${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    npx tsx "$recorder_dir/run-recorder.ts" "$work/addon/Release" "$@"
  exit $?
fi

mapfile -t sources < <(find "$native_dir/src" -name '*.cc' -o -name '*.cpp' | sort)
sources+=("$@")
flags=(-std=c++17 -c -o /dev/null -Wall -Wextra -Werror -DTRT_STUDIO_WITH_TENSORRT=1 -DNAPI_VERSION=8 -DNODE_ADDON_API_DISABLE_DEPRECATED -DNAPI_CPP_EXCEPTIONS
  -I"$native_dir/src" -I"$generated" -isystem "$include_dir" -isystem "$cuda_include" -isystem "$node_include" -isystem "$addon_api")

compiled=0
failed=0
for source in "${sources[@]}"; do
  extra=()
  # A generated tensorrtx-style program keeps its headers beside it.
  extra+=(-I"$(dirname "$source")")
  if "$cxx" "${flags[@]}" "${extra[@]}" "$source"; then
    compiled=$((compiled + 1))
  else
    echo "check-tensorrt: FAILED $source" >&2
    failed=$((failed + 1))
  fi
done
echo "check-tensorrt: compiled $compiled of ${#sources[@]} files against TensorRT $version headers in $include_dir (CUDA headers: $cuda_include); $failed failed."
[ "$failed" -eq 0 ]
