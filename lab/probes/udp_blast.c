// Small-frame load generator and counter for the benchmark: iperf3's single sender thread
// cannot outrun an overlay here, sendmmsg batches of 64 can.
//
//   udp_blast send DST PORT PAYLOAD SECONDS [RATE]   prints {"sent":N,"seconds":S}
//   udp_blast recv BIND PORT SECONDS                 prints {"received":N,"bytes":B,"seconds":S}
//
// Both stop by themselves: send after SECONDS, recv SECONDS after its first datagram or
// after SECONDS of silence. DST may be a broadcast address. With RATE (datagrams a second)
// the sender paces itself: a burst (one sendmmsg of a millisecond's worth, 1 to 64) at each
// tick, the ticks absolute deadlines from the start, so a late wakeup is made up by the next
// bursts instead of lowering the rate; more than 5 ms behind (descheduled on a busy machine),
// it drops the backlog rather than flood it. Without RATE, or 0, it sends flat out. "sent"
// is what it did send, whatever RATE asked.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe_common.h"

enum { kBatch = 64, kMaxPayload = 1472 };

static int Usage(void) {
  fprintf(stderr, "usage: udp_blast send DST PORT PAYLOAD SECONDS [RATE] | recv BIND PORT SECONDS\n");
  return 2;
}

static int Send(struct sockaddr_in* dst, size_t payload, double seconds, double rate) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int on = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0 ||
      connect(fd, (struct sockaddr*)dst, sizeof *dst) < 0) {
    return perror("socket"), 1;
  }
  static char data[kMaxPayload];
  struct iovec iov[kBatch];
  struct mmsghdr msgs[kBatch];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < kBatch; i++) {
    iov[i].iov_base = data;
    iov[i].iov_len = payload;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long sent = 0;
  double start = Now(), end = start + seconds;
  prctl(PR_SET_TIMERSLACK, 1UL);  // wake at the deadline, not up to 50 µs after it
  unsigned burst = rate * 1e-3 < 1 ? 1 : rate * 1e-3 > kBatch ? kBatch : (unsigned)(rate * 1e-3);
  double tick = rate > 0 ? burst / rate : 0, next = start;
  for (double now = start; now < end; now = Now()) {
    if (rate > 0) {
      if (now - next > 5e-3) next = now;  // descheduled: drop the backlog
      struct timespec deadline = {(time_t)next, (long)((next - (time_t)next) * 1e9)};
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR) {}
      next += tick;
    }
    int n = sendmmsg(fd, msgs, rate > 0 ? burst : kBatch, 0);
    if (n > 0) sent += (unsigned)n;
  }
  printf("{\"sent\":%llu,\"seconds\":%.6f}\n", sent, Now() - start);
  return 0;
}

static int Receive(struct sockaddr_in* bind_to, double seconds) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int size = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  if (fd < 0 || bind(fd, (struct sockaddr*)bind_to, sizeof *bind_to) < 0) return perror("bind"), 1;
  struct timeval tick = {0, 100000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick);
  static char data[kBatch][kMaxPayload];
  struct iovec iov[kBatch];
  struct mmsghdr msgs[kBatch];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < kBatch; i++) {
    iov[i].iov_base = data[i];
    iov[i].iov_len = kMaxPayload;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long received = 0, bytes = 0;
  double opened = Now(), first = 0, last = 0;
  for (;;) {
    double now = Now();
    if (first ? now - first > seconds : now - opened > seconds) break;
    int n = recvmmsg(fd, msgs, kBatch, MSG_WAITFORONE, NULL);
    if (n <= 0) continue;
    last = Now();
    if (!first) first = last;
    received += (unsigned)n;
    for (int i = 0; i < n; i++) bytes += msgs[i].msg_len;
  }
  printf("{\"received\":%llu,\"bytes\":%llu,\"seconds\":%.6f}\n", received, bytes,
         first ? last - first : 0.0);
  return 0;
}

int main(int argc, char** argv) {
  struct sockaddr_in addr;
  if ((argc == 6 || argc == 7) && strcmp(argv[1], "send") == 0 &&
      Address(argv[2], argv[3], &addr) == 0) {
    size_t payload = (size_t)atoi(argv[4]);
    double rate = argc == 7 ? atof(argv[6]) : 0;
    if (payload > kMaxPayload || rate < 0) return Usage();
    return Send(&addr, payload, atof(argv[5]), rate);
  }
  if (argc == 5 && strcmp(argv[1], "recv") == 0 && Address(argv[2], argv[3], &addr) == 0) {
    return Receive(&addr, atof(argv[4]));
  }
  return Usage();
}
