// How many packets a data-path thread takes per wake-up, whether frames read from a TAP queue
// or datagrams received from a socket: enough to spread a syscall, the FDB lock and the
// counter updates over many packets, few enough that one batch's buffers stay modest.
#pragma once

#include <cstddef>

namespace vtepd {

constexpr size_t kBatch = 64;

}  // namespace vtepd
