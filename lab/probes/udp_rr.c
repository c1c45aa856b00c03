// Request/response latency probe for the benchmark (no ping on these machines):
//
//   udp_rr echo BIND PORT SECONDS        echoes datagrams until SECONDS of silence
//   udp_rr ping DST PORT COUNT [RATE]    prints {"count":N,"lost":L,"p50_us":..,"p99_us":..}
//
// One outstanding 64-byte request at a time, as ping does; each waits at most 200 ms. Without
// RATE the requests go back to back, each as soon as the last is answered; with RATE (round
// trips a second) request i is sent at start + i/RATE, an absolute deadline, so a late answer
// does not shift the ones after it (the next request then goes as soon as it is answered).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe_common.h"

enum { kPayload = 64, kMaxCount = 100000 };

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

static int Ping(struct sockaddr_in* dst, int count, double rate) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr*)dst, sizeof *dst) < 0) return perror("connect"), 1;
  struct timeval timeout = {0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  static double rtt[kMaxCount];
  int got = 0, lost = 0;
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
    }
  }
  qsort(rtt, (size_t)got, sizeof rtt[0], Compare);
  printf("{\"count\":%d,\"lost\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f}\n", got, lost,
         got ? rtt[got / 2] : 0.0, got ? rtt[(int)(got * 0.99)] : 0.0);
  return got ? 0 : 1;
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
  fprintf(stderr, "usage: udp_rr echo BIND PORT SECONDS | ping DST PORT COUNT [RATE]\n");
  return 2;
}
