// TCP coalescer: coalesce, re-segment, same bytes (coalescer_round_trip.h).
#include "coalescer_round_trip.h"
#include "offload/tcp_coalescer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::CoalesceRoundTrip<vtepd::TcpCoalescer>(data, size);
  return 0;
}
