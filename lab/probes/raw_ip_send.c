// Test helper: sends the given bytes as the payload of raw IP packets of one protocol, so
// tests can craft GRE (valid or not) without a GRE driver.
//
//   raw_ip_send TO PROTO HEX [COUNT] [FROM]
//
// TO and FROM are IPv4 or IPv6 addresses (the kernel builds the IP header); prints
// {"sent":N,"bytes":B}. Exit status 1 on any error.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int ParseAddress(const char* text, struct sockaddr_storage* out, socklen_t* len) {
  memset(out, 0, sizeof *out);
  struct sockaddr_in* v4 = (struct sockaddr_in*)out;
  struct sockaddr_in6* v6 = (struct sockaddr_in6*)out;
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    *len = sizeof *v4;
    return 0;
  }
  if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    *len = sizeof *v6;
    return 0;
  }
  return -1;
}

static int ParseHex(const char* hex, unsigned char* out, size_t cap, size_t* len) {
  size_t n = strlen(hex);
  if (n % 2 || n / 2 > cap) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned value;
    if (sscanf(hex + 2 * i, "%2x", &value) != 1) return -1;
    out[i] = (unsigned char)value;
  }
  *len = n / 2;
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: raw_ip_send TO PROTO HEX [COUNT] [FROM]\n");
    return 1;
  }
  struct sockaddr_storage to, from;
  socklen_t to_len, from_len;
  static unsigned char payload[65536];
  size_t len;
  int count = argc > 4 ? atoi(argv[4]) : 1;
  if (ParseAddress(argv[1], &to, &to_len) < 0 || ParseHex(argv[3], payload, sizeof payload, &len) < 0 ||
      count < 1) {
    fprintf(stderr, "raw_ip_send: bad arguments\n");
    return 1;
  }
  int fd = socket(to.ss_family, SOCK_RAW, atoi(argv[2]));
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  if (argc > 5 && argv[5][0]) {
    if (ParseAddress(argv[5], &from, &from_len) < 0 || bind(fd, (struct sockaddr*)&from, from_len) < 0) {
      perror("bind");
      return 1;
    }
  }
  for (int i = 0; i < count; i++) {
    if (sendto(fd, payload, len, 0, (struct sockaddr*)&to, to_len) < 0) {
      perror("sendto");
      return 1;
    }
  }
  printf("{\"sent\":%d,\"bytes\":%zu}\n", count, len);
  close(fd);
  return 0;
}
