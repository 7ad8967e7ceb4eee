/**
 * The C++ a detector's generated program adds (TensorRT only, no plugin, no image library): `-d --image
 * FILE.ppm` letterboxes a binary PPM as ultralytics does, runs the engine, and prints the detections in
 * the image's pixels: a YOLO head's output decoded and NMSed here as TRT Studio's host does
 * (core/run/detection.ts, nms.ts), or the YOLO postprocess's rows read as they are.
 */
import { COCO_CLASSES } from '../run/coco.js';
import type { DetectorOutput } from '../run/detector.js';
import { floatLiteral, stringLiteral } from './common.js';

const FORMATS: Record<DetectorOutput['format'], string> = { v8: 'kYoloV8', v5: 'kYoloV5', rows: 'kRows' };

/** The constants and functions of detection, placed before the engine runner. */
export function detectionHelpers(detector: DetectorOutput, conf: number, iou: number): string {
  const names = detector.classes === COCO_CLASSES.length ? COCO_CLASSES : [];
  return `// Detection: the network's output ${stringLiteral(detector.output)} holds detections; -d --image prints them.
enum class DetectionFormat { kYoloV8, kYoloV5, kRows };
char const* const kDetectionOutput = ${stringLiteral(detector.output)};
DetectionFormat const kDetectionFormat = DetectionFormat::${FORMATS[detector.format]};
float const kDefaultConf = ${floatLiteral(conf)}f;
float const kDefaultIou = ${floatLiteral(iou)}f;
size_t const kMaxDetections = 300;
// Class names (COCO's for 80 classes); a class without one prints as its number.
std::vector<std::string> const kClassNames = {${names.map(stringLiteral).join(', ')}};

struct Image {
  int32_t width = 0;
  int32_t height = 0;
  std::vector<uint8_t> rgb;
};

// A binary 8-bit PPM (P6): ImageMagick's \`convert photo.jpg photo.ppm\` or PIL's Image.save("photo.ppm") writes one.
bool readPpm(std::string const& path, Image& image) {
  std::ifstream file(path, std::ios::binary);
  auto field = [&file]() {
    file >> std::ws;
    while (file.peek() == '#') {
      std::string comment;
      std::getline(file, comment);
      file >> std::ws;
    }
  };
  std::string magic;
  int32_t maxValue = 0;
  file >> magic;
  field();
  file >> image.width;
  field();
  file >> image.height;
  field();
  file >> maxValue;
  file.get();
  if (!file || magic != "P6" || image.width <= 0 || image.height <= 0 || maxValue != 255) {
    std::cerr << path << " is not a binary 8-bit PPM (P6); convert the image first, e.g. convert photo.jpg photo.ppm" << std::endl;
    return false;
  }
  image.rgb.resize(static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 3);
  file.read(reinterpret_cast<char*>(image.rgb.data()), static_cast<std::streamsize>(image.rgb.size()));
  if (!file) {
    std::cerr << path << " ends before its pixels do." << std::endl;
    return false;
  }
  return true;
}

// Where the resized image sits in the network input.
struct Letterbox {
  double scale = 1.0;
  int32_t left = 0;
  int32_t top = 0;
};

// Python's round (halves to even), as ultralytics' letterbox arithmetic uses it.
int32_t roundHalfEven(double x) { return static_cast<int32_t>(std::nearbyint(x)); }

// Ultralytics' letterbox: fit keeping the aspect ratio, bilinear with OpenCV's pixel-centre geometry, pad with 114
// split evenly; then RGB / 255 as one NCHW sample.
std::vector<float> letterbox(Image const& image, int32_t width, int32_t height, Letterbox& g) {
  g.scale = std::min(static_cast<double>(height) / image.height, static_cast<double>(width) / image.width);
  int32_t const w = roundHalfEven(image.width * g.scale);
  int32_t const h = roundHalfEven(image.height * g.scale);
  g.left = roundHalfEven((width - w) / 2.0 - 0.1);
  g.top = roundHalfEven((height - h) / 2.0 - 0.1);
  size_t const plane = static_cast<size_t>(width) * static_cast<size_t>(height);
  std::vector<float> tensor(3 * plane, static_cast<float>(114 * (1.0 / 255.0)));
  struct Tap {
    int32_t lo;
    int32_t hi;
    double frac;
  };
  auto taps = [](int32_t size, int32_t source) {
    std::vector<Tap> result(static_cast<size_t>(size));
    for (int32_t i = 0; i < size; ++i) {
      double const s = std::max(0.0, (i + 0.5) * (static_cast<double>(source) / size) - 0.5);
      int32_t const f = static_cast<int32_t>(std::floor(s));
      result[static_cast<size_t>(i)] = {std::min(f, source - 1), std::min(f + 1, source - 1), f >= source - 1 ? 0.0 : s - f};
    }
    return result;
  };
  std::vector<Tap> const xs = taps(w, image.width);
  std::vector<Tap> const ys = taps(h, image.height);
  auto pixel = [&image](int32_t x, int32_t y, int32_t c) { return static_cast<double>(image.rgb[(static_cast<size_t>(y) * static_cast<size_t>(image.width) + static_cast<size_t>(x)) * 3 + static_cast<size_t>(c)]); };
  for (int32_t y = 0; y < h; ++y) {
    Tap const& ty = ys[static_cast<size_t>(y)];
    for (int32_t x = 0; x < w; ++x) {
      Tap const& tx = xs[static_cast<size_t>(x)];
      for (int32_t c = 0; c < 3; ++c) {
        double const top = pixel(tx.lo, ty.lo, c) * (1 - tx.frac) + pixel(tx.hi, ty.lo, c) * tx.frac;
        double const bottom = pixel(tx.lo, ty.hi, c) * (1 - tx.frac) + pixel(tx.hi, ty.hi, c) * tx.frac;
        double const value = std::min(255.0, std::max(0.0, std::round(top * (1 - ty.frac) + bottom * ty.frac)));
        size_t const at = static_cast<size_t>(c) * plane + static_cast<size_t>(y + g.top) * static_cast<size_t>(width) + static_cast<size_t>(x + g.left);
        tensor[at] = static_cast<float>(value * (1.0 / 255.0));
      }
    }
  }
  return tensor;
}

struct Detection {
  float box[4];
  float score;
  int32_t classId;
};

// Ultralytics' heads: v8 [1, 4 + C, A] channel-major, score = best class; v5 [1, A, 5 + C], score = objectness × best class.
// Centre-size boxes become corners; scores not above conf are dropped.
std::vector<Detection> decodeYolo(std::vector<float> const& out, Dims const& shape, float conf) {
  bool const v8 = kDetectionFormat == DetectionFormat::kYoloV8;
  int64_t const anchors = v8 ? shape.d[2] : shape.d[1];
  int64_t const classes = v8 ? shape.d[1] - 4 : shape.d[2] - 5;
  std::vector<Detection> found;
  for (int64_t a = 0; a < anchors; ++a) {
    auto at = [&](int64_t k) { return out[static_cast<size_t>(v8 ? k * anchors + a : a * (classes + 5) + k)]; };
    float const objectness = v8 ? 1.0f : at(4);
    if (!v8 && !(objectness > conf)) continue;
    int32_t best = 0;
    float bestScore = -INFINITY;
    for (int64_t c = 0; c < classes; ++c) {
      float const s = at((v8 ? 4 : 5) + c) * objectness;
      if (s > bestScore) {
        best = static_cast<int32_t>(c);
        bestScore = s;
      }
    }
    if (!(bestScore > conf)) continue;
    float const cx = at(0), cy = at(1), w = at(2), h = at(3);
    found.push_back({{cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2}, bestScore, best});
  }
  return found;
}

float boxIou(Detection const& a, Detection const& b) {
  float const w = std::max(0.0f, std::min(a.box[2], b.box[2]) - std::max(a.box[0], b.box[0]));
  float const h = std::max(0.0f, std::min(a.box[3], b.box[3]) - std::max(a.box[1], b.box[1]));
  float const inter = w * h;
  float const areaA = (a.box[2] - a.box[0]) * (a.box[3] - a.box[1]);
  float const areaB = (b.box[2] - b.box[0]) * (b.box[3] - b.box[1]);
  return inter / (areaA + areaB - inter);
}

// torchvision's batched_nms: by score (ties in order), a box is dropped when its IoU with a kept box of its class is above the threshold.
std::vector<Detection> nms(std::vector<Detection> boxes, float threshold) {
  std::stable_sort(boxes.begin(), boxes.end(), [](Detection const& a, Detection const& b) { return a.score > b.score; });
  std::vector<Detection> kept;
  for (Detection const& d : boxes) {
    bool keep = true;
    for (Detection const& k : kept) keep = keep && !(k.classId == d.classId && boxIou(k, d) > threshold);
    if (keep) kept.push_back(d);
    if (kept.size() == kMaxDetections) break;
  }
  return kept;
}

// The YOLO postprocess's rows [1, R, 6]: x1, y1, x2, y2, score, class; NMS was done in the engine.
std::vector<Detection> readRows(std::vector<float> const& out, float conf) {
  std::vector<Detection> found;
  for (size_t at = 0; at + 6 <= out.size(); at += 6)
    if (out[at + 4] > conf) found.push_back({{out[at], out[at + 1], out[at + 2], out[at + 3]}, out[at + 4], static_cast<int32_t>(out[at + 5])});
  std::stable_sort(found.begin(), found.end(), [](Detection const& a, Detection const& b) { return a.score > b.score; });
  return found;
}

// One line per detection, the box in the image's pixels: the letterbox undone and clipped to the image.
void printDetections(std::vector<float> const& out, Dims const& shape, float conf, float iou, Letterbox const& g, Image const& image) {
  std::vector<Detection> const found = kDetectionFormat == DetectionFormat::kRows ? readRows(out, conf) : nms(decodeYolo(out, shape, conf), iou);
  std::cout << found.size() << (found.size() == 1 ? " detection" : " detections") << std::endl;
  for (Detection const& d : found) {
    auto unmap = [&](float v, int32_t offset, int32_t limit) { return std::min(static_cast<double>(limit), std::max(0.0, (v - offset) / g.scale)); };
    size_t const id = static_cast<size_t>(d.classId);
    std::string const name = id < kClassNames.size() ? kClassNames[id] : "class " + std::to_string(d.classId);
    std::cout << std::fixed << std::setprecision(1) << "  " << name << " " << std::setprecision(4) << d.score << std::setprecision(1) << " ["
              << unmap(d.box[0], g.left, image.width) << ", " << unmap(d.box[1], g.top, image.height) << ", " << unmap(d.box[2], g.left, image.width) << ", "
              << unmap(d.box[3], g.top, image.height) << "]" << std::endl;
  }
  std::cout << std::defaultfloat;
}
`;
}
