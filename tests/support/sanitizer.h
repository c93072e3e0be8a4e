// Whether the tests run under AddressSanitizer (-DUNIONSYNC_SANITIZE=ON).
//
// ASan reserves terabytes of address space for its shadow memory at start-up, so a test that
// limits the address space (RLIMIT_AS, `ulimit -v`) cannot run under it: the child fails with
// "ERROR: Failed to mmap" before the code under test is reached. Such tests are skipped there
// (`* doctest::skip(unionsync::testing::kAddressSanitizer)`) and run in the normal build.
#pragma once

namespace unionsync::testing {

#if defined(__SANITIZE_ADDRESS__)  // GCC
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)  // Clang
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

}  // namespace unionsync::testing
