// Runs every registered test; prints each failed check, then one summary line
// `native: N passed, N failed` (tests), and exits non-zero if any test failed.
#include <cstdio>

#include "check.h"

int main() {
  size_t passed = 0;
  size_t failed = 0;
  for (const check::Test& test : check::Registry()) {
    check::counts().current_test = test.name;
    size_t before = check::counts().failed_checks;
    test.fn();
    if (check::counts().failed_checks == before) {
      passed++;
    } else {
      failed++;
    }
  }
  std::printf("checks: %zu run, %zu failed\n", check::counts().checks,
              check::counts().failed_checks);
  std::printf("native: %zu passed, %zu failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
