# Finds TensorRT (headers, libnvinfer and its version) and CUDA for the TRT Studio bridge, once per
# TensorRT major: the C++ API differs between majors, so each major found gets its own bridge.
# Never fails. Sets TRT_STUDIO_TRT_MAJORS (e.g. "11;10", newest first) and, for each major M,
# TRT_STUDIO_TRT<M>_VERSION, _INCLUDE_DIR, _LIB_DIR and _NVINFER_LIBRARY; when no major can be built,
# TRT_STUDIO_WITHOUT_TENSORRT_REASON says why.
#
# TENSORRT_ROOT, TRT_INCLUDE_DIR and TRT_LIB_DIR may each be a list (a;b), e.g. one SDK per major.
#
# Looked at, in order: -DTENSORRT_ROOT / $TENSORRT_ROOT, -DTRT_INCLUDE_DIR + -DTRT_LIB_DIR (or the
# environment variables of those names), the system paths, and a pip `tensorrt` installation's
# `tensorrt_libs` folder (libraries only; pip ships no headers).

set(TRT_STUDIO_TRT_MAJORS "")
set(TRT_STUDIO_WITHOUT_TENSORRT_REASON "")

foreach(_var TENSORRT_ROOT TRT_INCLUDE_DIR TRT_LIB_DIR)
  if(NOT ${_var} AND DEFINED ENV{${_var}})
    set(${_var} "$ENV{${_var}}")
  endif()
endforeach()

set(_trt_include_hints "")
set(_trt_lib_hints "")
foreach(_root IN LISTS TENSORRT_ROOT)
  list(APPEND _trt_include_hints "${_root}/include")
  list(APPEND _trt_lib_hints "${_root}/lib" "${_root}/lib64" "${_root}/targets/x86_64-linux/lib")
endforeach()
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

# Every folder holding NvInferVersion.h; the first one of each major wins.
set(_trt_skipped "")
foreach(_dir IN LISTS _trt_include_hints _trt_system_includes)
  if(NOT EXISTS "${_dir}/NvInferVersion.h")
    continue()
  endif()
  # NvInferVersion.h: `#define NV_TENSORRT_MAJOR 10` up to 10.10, `#define TRT_MAJOR_ENTERPRISE 11` from 10.11 on.
  file(READ "${_dir}/NvInferVersion.h" _trt_version_header)
  foreach(_part MAJOR MINOR PATCH)
    set(_trt_${_part} "")
    if(_trt_version_header MATCHES "#define[ \t]+TRT_${_part}_ENTERPRISE[ \t]+([0-9]+)")
      set(_trt_${_part} "${CMAKE_MATCH_1}")
    elseif(_trt_version_header MATCHES "#define[ \t]+NV_TENSORRT_${_part}[ \t]+([0-9]+)")
      set(_trt_${_part} "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(_trt_MAJOR STREQUAL "" OR _trt_MINOR STREQUAL "")
    list(APPEND _trt_skipped "${_dir}/NvInferVersion.h defines neither NV_TENSORRT_MAJOR nor TRT_MAJOR_ENTERPRISE as a number, so the TensorRT version is unknown.")
    continue()
  endif()
  if(_trt_PATCH STREQUAL "")
    set(_trt_PATCH 0)
  endif()
  set(_version "${_trt_MAJOR}.${_trt_MINOR}.${_trt_PATCH}")
  if(_trt_MAJOR LESS 10)
    list(APPEND _trt_skipped "TensorRT ${_version} was found at ${_dir}, but TRT Studio needs TensorRT 10 or 11.")
    continue()
  endif()
  if(DEFINED TRT_STUDIO_TRT${_trt_MAJOR}_VERSION)
    continue()
  endif()
  # The versioned name first: an unversioned libnvinfer.so may belong to another major.
  get_filename_component(_beside "${_dir}/../lib" ABSOLUTE)
  find_library(_trt_nvinfer NAMES "libnvinfer.so.${_trt_MAJOR}" nvinfer
    HINTS ${_trt_lib_hints} "${_beside}" "${_beside}64" PATHS ${_trt_system_libs} NO_CACHE)
  if(NOT _trt_nvinfer)
    list(APPEND _trt_skipped "TensorRT ${_version} headers were found at ${_dir}, but libnvinfer.so.${_trt_MAJOR} was not found in TENSORRT_ROOT, TRT_LIB_DIR, pip's tensorrt_libs or the system library paths.")
    continue()
  endif()
  get_filename_component(_lib_dir "${_trt_nvinfer}" DIRECTORY)
  set(TRT_STUDIO_TRT${_trt_MAJOR}_VERSION "${_version}")
  set(TRT_STUDIO_TRT${_trt_MAJOR}_INCLUDE_DIR "${_dir}")
  set(TRT_STUDIO_TRT${_trt_MAJOR}_LIB_DIR "${_lib_dir}")
  set(TRT_STUDIO_TRT${_trt_MAJOR}_NVINFER_LIBRARY "${_trt_nvinfer}")
  list(APPEND TRT_STUDIO_TRT_MAJORS "${_trt_MAJOR}")
  unset(_trt_nvinfer)
endforeach()
list(SORT TRT_STUDIO_TRT_MAJORS COMPARE NATURAL ORDER DESCENDING)

if(NOT TRT_STUDIO_TRT_MAJORS)
  if(_trt_skipped)
    list(JOIN _trt_skipped " " TRT_STUDIO_WITHOUT_TENSORRT_REASON)
  else()
    set(TRT_STUDIO_WITHOUT_TENSORRT_REASON "No TensorRT headers (NvInferVersion.h) were found in TENSORRT_ROOT, TRT_INCLUDE_DIR or the system include paths.")
    if(_trt_pip_libs)
      string(APPEND TRT_STUDIO_WITHOUT_TENSORRT_REASON " A pip tensorrt installation was found at ${_trt_pip_libs}, but pip ships no C++ headers; set TRT_INCLUDE_DIR to the include folder of the matching TensorRT SDK.")
    endif()
  endif()
  return()
endif()

find_package(CUDAToolkit QUIET)
if(NOT CUDAToolkit_FOUND)
  list(JOIN TRT_STUDIO_TRT_MAJORS " and " _majors)
  set(TRT_STUDIO_WITHOUT_TENSORRT_REASON "TensorRT ${_majors} was found, but the CUDA toolkit (cuda_runtime_api.h, libcudart) was not; set CUDAToolkit_ROOT or install the CUDA toolkit.")
  set(TRT_STUDIO_TRT_MAJORS "")
  return()
endif()

foreach(_major IN LISTS TRT_STUDIO_TRT_MAJORS)
  message(STATUS "TRT Studio: building the TensorRT ${TRT_STUDIO_TRT${_major}_VERSION} bridge (${TRT_STUDIO_TRT${_major}_NVINFER_LIBRARY}, CUDA ${CUDAToolkit_VERSION})")
endforeach()
