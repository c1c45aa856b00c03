// Request/response latency probe for the benchmark (no ping on these machines):
//
//   udp_rr echo BIND PORT SECONDS        echoes datagrams until SECONDS of silence
//   udp_rr ping DST PORT COUNT [RATE]    prints {"count":N,"lost":L,"late":T,"p50_us":..,"p99_us":..}
//   udp_rr open DST PORT COUNT RATE      the same, open loop (below)
//
// One outstanding 64-byte request at a time, as ping does; each waits at most 200 ms. Without
// RATE the requests go back to back, each as soon as the last is answered; with RATE (round
// trips a second) request i is sent at start + i/RATE, an absolute deadline, so a late answer
// does not shift the ones after it (the next request then goes as soon as it is answered).
//
// Open loop, request i goes at start + i/RATE whether or not the ones before were answered.
// Under load, where a full queue drops requests, a lost one then costs no 200 ms wait that
// would thin out and delay the requests after it: the latencies are those of requests sent
// at RATE throughout, and an answer counts when it comes within 200 ms of its request.
//
// Lost requests are those not answered within 200 ms; late, those of them whose answer was
// seen afterwards, while the probe still ran (so a lower bound).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe_common.h"

enum { kPayload = 64, kMaxCount = 100000 };
static const double kWaitSeconds = 0.2;

static int Compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static int Echo(struct sockaddr_in* bind_to, double idle_seconds) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || bind(fd, (struct sockaddr*)bind_to, sizeof *bind_to) < 0) return perror("bind"), 1;
  struct timeval timeout = {(time_t)idle_seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char buf[2048];
  for (;;) {
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr*)&from, &len);
    if (n < 0) return 0;  // silence: the client is done
    sendto(fd, buf, (size_t)n, 0, (struct sockaddr*)&from, len);
  }
}

static int Connected(struct sockaddr_in* dst) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd >= 0 && connect(fd, (struct sockaddr*)dst, sizeof *dst) == 0) return fd;
  perror("connect");
  return -1;
}

/** Prints the round trips' figures; `rtt` holds the `got` answered ones (in µs). */
static int Report(double* rtt, int got, int lost, int late) {
  qsort(rtt, (size_t)got, sizeof rtt[0], Compare);
  printf("{\"count\":%d,\"lost\":%d,\"late\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f}\n", got, lost, late,
         got ? rtt[got / 2] : 0.0, got ? rtt[(int)(got * 0.99)] : 0.0);
  return got ? 0 : 1;
}

static int Ping(struct sockaddr_in* dst, int count, double rate) {
  int fd = Connected(dst);
  if (fd < 0) return 1;
  struct timeval timeout = {0, (long)(kWaitSeconds * 1e6)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  static double rtt[kMaxCount];
  int got = 0, lost = 0, late = 0;
  char req[kPayload] = {0}, resp[2048];
  struct timespec begin;
  clock_gettime(CLOCK_MONOTONIC, &begin);
  for (int i = 0; i < count; i++) {
    if (rate > 0) {
      double at = begin.tv_sec + begin.tv_nsec / 1e9 + i / rate;
      struct timespec deadline = {(time_t)at, (long)((at - (time_t)at) * 1e9)};
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR) {}
    }
    memcpy(req, &i, sizeof i);
    double start = Now();
    send(fd, req, sizeof req, 0);
    for (;;) {
      ssize_t n = recv(fd, resp, sizeof resp, 0);
      if (n < 0) { lost++; break; }
      if (n == kPayload && memcmp(resp, &i, sizeof i) == 0) { rtt[got++] = (Now() - start) * 1e6; break; }
      if (n == kPayload) late++;  // an earlier request's, past its wait
    }
  }
  return Report(rtt, got, lost, late);
}

static int Open(struct sockaddr_in* dst, int count, double rate) {
  int fd = Connected(dst);
  if (fd < 0) return 1;
  static double sent_at[kMaxCount], rtt[kMaxCount];  // sent_at 0: answered (or not yet sent)
  int got = 0, late = 0, next = 0;
  char req[kPayload] = {0}, resp[2048];
  double begin = Now(), end = begin + (count - 1) / rate + kWaitSeconds;
  for (;;) {
    double now = Now();
    if (next < count && now >= begin + next / rate) {
      memcpy(req, &next, sizeof next);
      sent_at[next++] = now;
      send(fd, req, sizeof req, 0);
      continue;
    }
    if (next == count && now >= end) break;
    // Answers until the next request is due (or the last one's wait is over).
    double wait = (next < count ? begin + next / rate : end) - now;
    struct timespec until = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
    struct pollfd readable = {fd, POLLIN, 0};
    if (ppoll(&readable, 1, &until, NULL) <= 0) continue;
    ssize_t n;
    while ((n = recv(fd, resp, sizeof resp, MSG_DONTWAIT)) >= 0) {
      int i;
      memcpy(&i, resp, sizeof i);
      double at = Now();
      if (n != kPayload || i < 0 || i >= next || sent_at[i] == 0) continue;
      if (at - sent_at[i] > kWaitSeconds) late++;
      else rtt[got++] = (at - sent_at[i]) * 1e6;
      sent_at[i] = 0;
    }
  }
  return Report(rtt, got, count - got, late);
}

int main(int argc, char** argv) {
  struct sockaddr_in addr;
  if (argc == 5 && strcmp(argv[1], "echo") == 0 && Address(argv[2], argv[3], &addr) == 0) {
    return Echo(&addr, atof(argv[4]));
  }
  if ((argc == 5 || argc == 6) && strcmp(argv[1], "ping") == 0 && Address(argv[2], argv[3], &addr) == 0) {
    int count = atoi(argv[4]);
    double rate = argc == 6 ? atof(argv[5]) : 0;
    if (count < 1 || count > kMaxCount || rate < 0) return 2;
    return Ping(&addr, count, rate);
  }
  if (argc == 6 && strcmp(argv[1], "open") == 0 && Address(argv[2], argv[3], &addr) == 0) {
    int count = atoi(argv[4]);
    double rate = atof(argv[5]);
    if (count < 1 || count > kMaxCount || rate <= 0) return 2;
    return Open(&addr, count, rate);
  }
  fprintf(stderr, "usage: udp_rr echo BIND PORT SECONDS | ping DST PORT COUNT [RATE] | open DST PORT COUNT RATE\n");
  return 2;
}
