# Finds TensorRT (headers, libnvinfer and its version) and CUDA for the TRT Studio bridge.
# Never fails: sets TRT_STUDIO_WITH_TENSORRT, or leaves it OFF with TRT_STUDIO_WITHOUT_TENSORRT_REASON.
#
# Looked at, in order: -DTENSORRT_ROOT / $TENSORRT_ROOT, -DTRT_INCLUDE_DIR + -DTRT_LIB_DIR (or the
# environment variables of those names), the system paths, and a pip `tensorrt` installation's
# `tensorrt_libs` folder (libraries only; pip ships no headers).

set(TRT_STUDIO_WITH_TENSORRT OFF)
set(TRT_STUDIO_WITHOUT_TENSORRT_REASON "")
set(TRT_STUDIO_TRT_VERSION "")
set(TRT_STUDIO_TRT_MAJOR_OR_ZERO 0)
set(TRT_STUDIO_TRT_INCLUDE_DIR "")
set(TRT_STUDIO_TRT_LIB_DIR "")
set(TRT_STUDIO_NVINFER_LIBRARY "")

foreach(_var TENSORRT_ROOT TRT_INCLUDE_DIR TRT_LIB_DIR)
  if(NOT ${_var} AND DEFINED ENV{${_var}})
    set(${_var} "$ENV{${_var}}")
  endif()
endforeach()

set(_trt_include_hints "")
set(_trt_lib_hints "")
if(TENSORRT_ROOT)
  list(APPEND _trt_include_hints "${TENSORRT_ROOT}/include")
  list(APPEND _trt_lib_hints "${TENSORRT_ROOT}/lib" "${TENSORRT_ROOT}/lib64" "${TENSORRT_ROOT}/targets/x86_64-linux/lib")
endif()
if(TRT_INCLUDE_DIR)
  list(APPEND _trt_include_hints "${TRT_INCLUDE_DIR}")
endif()
if(TRT_LIB_DIR)
  list(APPEND _trt_lib_hints "${TRT_LIB_DIR}")
endif()

# A pip installation: `python3 -m pip install tensorrt` puts the libraries in tensorrt_libs.
find_program(_trt_python NAMES python3 python)
if(_trt_python)
  execute_process(
    COMMAND "${_trt_python}" -c "import os, tensorrt_libs; print(os.path.dirname(tensorrt_libs.__file__))"
    OUTPUT_VARIABLE _trt_pip_libs OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _trt_pip_result)
  if(_trt_pip_result EQUAL 0 AND _trt_pip_libs)
    list(APPEND _trt_lib_hints "${_trt_pip_libs}")
  endif()
endif()

set(_trt_system_includes /usr/include/x86_64-linux-gnu /usr/include/aarch64-linux-gnu /usr/local/TensorRT/include /opt/tensorrt/include /usr/include)
set(_trt_system_libs /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/local/TensorRT/lib /opt/tensorrt/lib /usr/lib64 /usr/lib)

find_path(_trt_version_dir NvInferVersion.h HINTS ${_trt_include_hints} PATHS ${_trt_system_includes} NO_CACHE)

if(NOT _trt_version_dir)
  set(TRT_STUDIO_WITHOUT_TENSORRT_REASON "No TensorRT headers (NvInferVersion.h) were found in TENSORRT_ROOT, TRT_INCLUDE_DIR or the system include paths.")
  if(_trt_pip_libs)
    string(APPEND TRT_STUDIO_WITHOUT_TENSORRT_REASON " A pip tensorrt installation was found at ${_trt_pip_libs}, but pip ships no C++ headers; set TRT_INCLUDE_DIR to the include folder of the matching TensorRT SDK.")
  endif()
  return()
endif()

# NvInferVersion.h: `#define NV_TENSORRT_MAJOR 10` up to 10.10, `#define TRT_MAJOR_ENTERPRISE 11` from 10.11 on.
file(READ "${_trt_version_dir}/NvInferVersion.h" _trt_version_header)
foreach(_part MAJOR MINOR PATCH)
  set(_value "")
  if(_trt_version_header MATCHES "#define[ \t]+TRT_${_part}_ENTERPRISE[ \t]+([0-9]+)")
    set(_value "${CMAKE_MATCH_1}")
  elseif(_trt_version_header MATCHES "#define[ \t]+NV_TENSORRT_${_part}[ \t]+([0-9]+)")
    set(_value "${CMAKE_MATCH_1}")
  endif()
  set(_trt_${_part} "${_value}")
endforeach()
if(_trt_MAJOR STREQUAL "" OR _trt_MINOR STREQUAL "")
  set(TRT_STUDIO_WITHOUT_TENSORRT_REASON "${_trt_version_dir}/NvInferVersion.h defines neither NV_TENSORRT_MAJOR nor TRT_MAJOR_ENTERPRISE as a number, so the TensorRT version is unknown.")
  return()
endif()
if(_trt_PATCH STREQUAL "")
  set(_trt_PATCH 0)
endif()
set(TRT_STUDIO_TRT_VERSION "${_trt_MAJOR}.${_trt_MINOR}.${_trt_PATCH}")
if(_trt_MAJOR LESS 10)
  set(TRT_STUDIO_WITHOUT_TENSORRT_REASON "TensorRT ${TRT_STUDIO_TRT_VERSION} was found at ${_trt_version_dir}, but TRT Studio needs TensorRT 10 or 11.")
  return()
endif()

find_library(TRT_STUDIO_NVINFER_LIBRARY_FOUND NAMES nvinfer "libnvinfer.so.${_trt_MAJOR}"
  HINTS ${_trt_lib_hints} PATHS ${_trt_system_libs} NO_CACHE)
if(NOT TRT_STUDIO_NVINFER_LIBRARY_FOUND)
  set(TRT_STUDIO_WITHOUT_TENSORRT_REASON "TensorRT ${TRT_STUDIO_TRT_VERSION} headers were found at ${_trt_version_dir}, but libnvinfer.so.${_trt_MAJOR} was not found in TENSORRT_ROOT, TRT_LIB_DIR, pip's tensorrt_libs or the system library paths.")
  return()
endif()

find_package(CUDAToolkit QUIET)
if(NOT CUDAToolkit_FOUND)
  set(TRT_STUDIO_WITHOUT_TENSORRT_REASON "TensorRT ${TRT_STUDIO_TRT_VERSION} was found, but the CUDA toolkit (cuda_runtime_api.h, libcudart) was not; set CUDAToolkit_ROOT or install the CUDA toolkit.")
  return()
endif()

get_filename_component(TRT_STUDIO_TRT_LIB_DIR "${TRT_STUDIO_NVINFER_LIBRARY_FOUND}" DIRECTORY)
set(TRT_STUDIO_NVINFER_LIBRARY "${TRT_STUDIO_NVINFER_LIBRARY_FOUND}")
set(TRT_STUDIO_TRT_INCLUDE_DIR "${_trt_version_dir}")
set(TRT_STUDIO_TRT_MAJOR_OR_ZERO "${_trt_MAJOR}")
set(TRT_STUDIO_WITH_TENSORRT ON)
message(STATUS "TRT Studio: building the TensorRT ${TRT_STUDIO_TRT_VERSION} bridge (${TRT_STUDIO_NVINFER_LIBRARY}, CUDA ${CUDAToolkit_VERSION})")
