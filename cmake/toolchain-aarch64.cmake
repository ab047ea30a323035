# Cross build for aarch64 Linux with Debian's gcc-aarch64-linux-gnu; ctest runs
# the tests under qemu-user (Debian's qemu-user), so the NEON target is tested
# for real:
#
#   cmake --preset aarch64 && cmake --build --preset aarch64 && ctest --preset aarch64
#
# BUFKERN_AARCH64_SYSROOT is where the target's libc lives (Debian:
# libc6-dev-arm64-cross installs it in /usr/aarch64-linux-gnu).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(BUFKERN_AARCH64_SYSROOT "/usr/aarch64-linux-gnu" CACHE PATH "aarch64 libc root")
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L ${BUFKERN_AARCH64_SYSROOT})

# Programs run on the build machine; libraries and packages come from the
# target only, so no host library is ever linked in. Headers are searched in
# both: SIMDe is header-only and architecture-independent, and Debian installs
# it in the build machine's /usr/include. (The library includes SIMDe through a
# directory of its own, so the cross compiler's own headers are not shadowed.)
set(CMAKE_FIND_ROOT_PATH ${BUFKERN_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
