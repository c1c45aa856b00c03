// Test helper: transmits one Ethernet frame on an interface through a packet socket with a
// virtio-net header (PACKET_VNET_HDR), so a test can hand a device a GSO superframe of its
// own making (a TCP superframe with a VLAN tag, say) as the kernel stack would.
//
//   packet_vnet_send IFNAME GSO_TYPE GSO_SIZE CSUM_START CSUM_OFFSET HEX
//
// GSO_TYPE is the virtio-net value (0 none, 1 TCPv4, 4 TCPv6, 5 UDP L4). The checksum at
// CSUM_START + CSUM_OFFSET must hold the pseudo-header sum (the frame is marked NEEDS_CSUM).
// Prints {"sent":BYTES}. Exit status 1 on any error.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static size_t ParseHex(const char* hex, unsigned char** out) {
  size_t n = strlen(hex) / 2;
  *out = malloc(n ? n : 1);
  for (size_t i = 0; i < n; i++) {
    unsigned int byte;
    if (sscanf(hex + 2 * i, "%2x", &byte) != 1) return (size_t)-1;
    (*out)[i] = (unsigned char)byte;
  }
  return n;
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: packet_vnet_send IFNAME GSO_TYPE GSO_SIZE CSUM_START CSUM_OFFSET HEX\n");
    return 1;
  }
  unsigned int ifindex = if_nametoindex(argv[1]);
  if (ifindex == 0) {
    perror(argv[1]);
    return 1;
  }
  unsigned char* frame;
  size_t len = ParseHex(argv[6], &frame);
  if (len == (size_t)-1 || len < 14) {
    fprintf(stderr, "HEX is not an Ethernet frame\n");
    return 1;
  }
  struct virtio_net_hdr hdr = {
      .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
      .gso_type = (unsigned char)atoi(argv[2]),
      .hdr_len = 0,
      .gso_size = (unsigned short)atoi(argv[3]),
      .csum_start = (unsigned short)atoi(argv[4]),
      .csum_offset = (unsigned short)atoi(argv[5]),
  };

  int fd = socket(AF_PACKET, SOCK_RAW, 0);
  int on = 1;
  if (fd < 0 || setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &on, sizeof on) < 0) {
    perror("packet socket");
    return 1;
  }
  struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = (int)ifindex, .sll_halen = 6};
  memcpy(to.sll_addr, frame, 6);
  struct iovec iov[2] = {{&hdr, sizeof hdr}, {frame, len}};
  struct msghdr msg = {.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = iov, .msg_iovlen = 2};
  if (sendmsg(fd, &msg, 0) < 0) {
    perror("sendmsg");
    return 1;
  }
  printf("{\"sent\":%zu}\n", len);
  close(fd);
  free(frame);
  return 0;
}
