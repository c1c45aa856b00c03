// Setup failures are thrown with errno and the operation that failed, so the control plane
// can print "TUNSETIFF vx0: Device or resource busy" rather than a bare errno.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>

namespace vtepd {

[[noreturn]] inline void ThrowErrno(const std::string& what, int err = errno) {
  throw std::system_error(err, std::generic_category(), what);
}

}  // namespace vtepd
