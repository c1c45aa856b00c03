// Test helper: sends COUNT datagrams of SIZE bytes to ADDR:PORT in one sendmsg with
// UDP_SEGMENT, so the stack hands a UDP GSO superframe to the interface (a TAP with USO
// passes it on whole). Payloads are those of `udp.js send --tag TAG` (src/tools/udp.ts):
// "TAG:<index>:" then the xorshift32 Pattern seeded with index + 1.
//
//   udp_gso_send ADDR PORT COUNT SIZE [TAG]      (IPv4 or IPv6; COUNT <= 64)
//
// Prints {"sent":COUNT}. Exit status 1 on any error.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

enum { kMaxCount = 64, kMaxSize = 1400 };

static void Payload(const char* tag, int index, size_t size, uint8_t* out) {
  int head = snprintf((char*)out, size + 1, "%s:%d:", tag, index);
  uint32_t x = (uint32_t)(index + 1);
  for (size_t i = (size_t)head; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    for (size_t b = 0; b < 4 && i + b < size; b++) out[i + b] = (uint8_t)(x >> (8 * b));
  }
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: udp_gso_send ADDR PORT COUNT SIZE [TAG]\n");
    return 1;
  }
  const char* tag = argc > 5 ? argv[5] : "vtt";
  int count = atoi(argv[3]);
  size_t size = (size_t)atoi(argv[4]);
  if (count < 1 || count > kMaxCount || size <= strlen(tag) + 4 || size > kMaxSize) {
    fprintf(stderr, "udp_gso_send: COUNT 1..%d, SIZE up to %d\n", kMaxCount, kMaxSize);
    return 1;
  }
  struct sockaddr_storage to;
  memset(&to, 0, sizeof to);
  socklen_t to_len;
  struct sockaddr_in* v4 = (struct sockaddr_in*)&to;
  struct sockaddr_in6* v6 = (struct sockaddr_in6*)&to;
  if (inet_pton(AF_INET, argv[1], &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)atoi(argv[2]));
    to_len = sizeof *v4;
  } else if (inet_pton(AF_INET6, argv[1], &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)atoi(argv[2]));
    to_len = sizeof *v6;
  } else {
    fprintf(stderr, "udp_gso_send: bad address %s\n", argv[1]);
    return 1;
  }
  static uint8_t data[kMaxCount * kMaxSize];
  for (int i = 0; i < count; i++) Payload(tag, i, size, data + (size_t)i * size);

  int fd = socket(to.ss_family, SOCK_DGRAM, IPPROTO_UDP);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  struct iovec iov = {data, (size_t)count * size};
  char control[CMSG_SPACE(sizeof(uint16_t))] = {0};
  struct msghdr msg = {0};
  msg.msg_name = &to;
  msg.msg_namelen = to_len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_UDP;
  cm->cmsg_type = UDP_SEGMENT;
  cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  uint16_t segment = (uint16_t)size;
  memcpy(CMSG_DATA(cm), &segment, sizeof segment);
  if (sendmsg(fd, &msg, 0) < 0) {
    perror("sendmsg");
    return 1;
  }
  printf("{\"sent\":%d}\n", count);
  close(fd);
  return 0;
}
