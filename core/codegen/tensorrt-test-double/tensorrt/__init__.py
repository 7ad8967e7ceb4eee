"""TEST DOUBLE of the `tensorrt` Python package -- not TensorRT.

Just enough of the TensorRT 10/11 network-definition API for core/codegen's tests to run a generated
build script end to end where TensorRT cannot be installed. It records the network the script
defines: every add_* call with its arguments, the layer attributes set (only names the real
bindings have), names, metadata, inputs and marked outputs. It checks what it can without TensorRT:
weights are contiguous numpy arrays of the compute type, constants hold as many values as their
shape, and tensors come from this network. "Building" writes that record as JSON instead of an engine.
"""
import json

import numpy as np

__version__ = "10.16.0"


class _Enum:
    """`trt.X.NAME` answers the string "X.NAME"; any lower-case attribute is an error, as in the real enums."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, item):
        if not item.isupper():
            raise AttributeError(f"{self._name} has no member '{item}'")
        return f"{self._name}.{item}"


for _name in [
    "ActivationType", "ElementWiseOperation", "GatherMode", "InterpolationMode", "MatrixOperation", "PaddingMode",
    "PoolingType", "ReduceOperation", "ResizeCoordinateTransformation", "ResizeRoundMode", "ResizeSelector",
    "SampleMode", "ScaleMode", "TopKOperation", "UnaryOperation", "MemoryPoolType", "ProfilingVerbosity", "BoundingBoxFormat",
]:
    globals()[_name] = _Enum(_name)
DataType = _Enum("DataType")


class NetworkDefinitionCreationFlag:
    STRONGLY_TYPED = 1


class Logger:
    WARNING = 2

    def __init__(self, severity):
        self.severity = severity


# Every layer attribute the generated code may set, as spelled in TensorRT's Python bindings (pyGraph.cpp).
LAYER_ATTRIBUTES = {
    "name", "metadata", "stride_nd", "pre_padding", "post_padding", "padding_mode", "dilation_nd", "num_groups",
    "average_count_excludes_padding", "blend_factor", "alpha", "beta", "axes", "reshape_dims", "zero_is_placeholder",
    "first_transpose", "second_transpose", "axis", "num_elementwise_dims", "mode", "resize_mode",
    "coordinate_transformation", "nearest_rounding", "selector_for_single_pixel", "cubic_coeff", "exclude_outside",
    "shape", "scales", "epsilon", "bounding_box_format", "topk_box_limit", "indices_type",
}

# add_* methods with how many outputs they make.
ADD_METHODS = {
    "add_activation": 1, "add_cast": 1, "add_concatenation": 1, "add_constant": 1, "add_convolution_nd": 1,
    "add_deconvolution_nd": 1, "add_einsum": 1, "add_elementwise": 1, "add_gather": 1, "add_gather_v2": 1,
    "add_identity": 1, "add_lrn": 1, "add_matrix_multiply": 1, "add_normalization_v2": 1, "add_padding_nd": 1,
    "add_parametric_relu": 1, "add_pooling_nd": 1, "add_reduce": 1, "add_resize": 1, "add_scale_nd": 1,
    "add_select": 1, "add_shape": 1, "add_shuffle": 1, "add_slice": 1, "add_softmax": 1, "add_squeeze": 1,
    "add_topk": 2, "add_unary": 1, "add_unsqueeze": 1, "add_nms": 2,
}


class ITensor:
    def __init__(self, network, name, dtype):
        self._network = network
        self.name = name
        self.dtype = dtype


class ILayer:
    def __init__(self, method, args, nb_outputs, dtype, network):
        object.__setattr__(self, "_record", {"method": method, "args": args, "attributes": {}})
        object.__setattr__(self, "_outputs", [ITensor(network, f"({method} output {i})", dtype) for i in range(nb_outputs)])

    def __setattr__(self, key, value):
        if key not in LAYER_ATTRIBUTES:
            raise AttributeError(f"{self._record['method']} layers have no attribute '{key}'")
        self._record["attributes"][key] = value if not isinstance(value, tuple) else list(value)

    def get_output(self, index):
        return self._outputs[index]

    def set_input(self, index, tensor):
        self._record["attributes"][f"input{index}"] = tensor.name


def _describe(network, value):
    if isinstance(value, ITensor):
        if value._network is not network:
            raise ValueError(f"tensor '{value.name}' belongs to another network")
        return {"tensor": value.name}
    if isinstance(value, np.ndarray):
        if not value.flags["C_CONTIGUOUS"]:
            raise ValueError("weights must be contiguous")
        return {"weights": str(value.dtype), "count": int(value.size)}
    if isinstance(value, (list, tuple)):
        return [_describe(network, v) for v in value]
    return value


class INetworkDefinition:
    def __init__(self, flags):
        self.flags = flags
        self.name = ""
        self.inputs = []
        self.outputs = []
        self.layers = []

    def add_input(self, name, dtype, shape):
        self.inputs.append({"name": name, "dtype": dtype, "shape": list(shape)})
        return ITensor(self, name, dtype)

    def __getattr__(self, method):
        if method not in ADD_METHODS:
            raise AttributeError(f"INetworkDefinition has no method '{method}'")

        def add(*args):
            described = [_describe(self, a) for a in args]
            dtype = next((a.dtype for a in args if isinstance(a, ITensor)), None)
            if method == "add_cast":
                dtype = args[1]
            elif method == "add_constant":
                shape, values = args
                if int(np.prod(shape)) != values.size:
                    raise ValueError(f"constant of shape {shape} given {values.size} values")
                dtype = {"float32": "DataType.FLOAT", "float16": "DataType.HALF", "int32": "DataType.INT32", "int64": "DataType.INT64"}[str(values.dtype)]
            layer = ILayer(method, described, ADD_METHODS[method], dtype, self)
            self.layers.append(layer)
            return layer

        return add

    def mark_output(self, tensor):
        self.outputs.append({"name": tensor.name, "dtype": tensor.dtype})

    def record(self):
        return {
            "name": self.name,
            "flags": self.flags,
            "inputs": self.inputs,
            "layers": [dict(l._record, outputs=[t.name for t in l._outputs]) for l in self.layers],
            "outputs": self.outputs,
        }


class IOptimizationProfile:
    def __init__(self):
        self.shapes = {}

    def set_shape(self, name, min, opt, max):
        self.shapes[name] = [list(min), list(opt), list(max)]


class IBuilderConfig:
    def __init__(self):
        self.memory_pool_limits = {}
        self.profiling_verbosity = None
        self.profiles = []

    def set_memory_pool_limit(self, pool, size):
        self.memory_pool_limits[pool] = size

    def add_optimization_profile(self, profile):
        self.profiles.append(profile.shapes)
        return len(self.profiles) - 1


class IHostMemory(bytes):
    @property
    def nbytes(self):
        return len(self)


class Builder:
    def __init__(self, logger):
        self.logger = logger

    def create_network(self, flags):
        return INetworkDefinition(flags)

    def create_builder_config(self):
        return IBuilderConfig()

    def create_optimization_profile(self):
        return IOptimizationProfile()

    def build_serialized_network(self, network, config):
        record = network.record()
        record["config"] = {"memory_pool_limits": config.memory_pool_limits, "profiling_verbosity": config.profiling_verbosity, "profiles": config.profiles}
        return IHostMemory(json.dumps(record).encode())
