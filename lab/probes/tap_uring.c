// Answers with numbers how a TAP behaves under io_uring, before the data path uses it:
// do reads and writes complete inline in io_uring_enter, get parked on poll, or go to io-wq
// workers (iou-wrk threads)? And system calls and frames/s of: a read loop, N reads in one
// submission (with and without RWF_NOWAIT), one multishot read with provided buffers, a
// writev loop, N writev in one submission. Runs as root in a network namespace of its own
// (unshare), so nothing outside sees its TAP. Frames are put on the TAP's queue by a packet
// socket sending on the interface (the kernel transmits to the TAP: a read finds them);
// written frames go up the interface's stack and are dropped there (unknown EtherType).
// usage: tap_uring [rounds] (default 2000 rounds of 64 frames of 64 bytes).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "probe_common.h"

#define BATCH 64
#define FRAME 64
#define BUF 2048
#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif
// Newer than the installed uapi header may be (6.7).
#define OP_READ_MULTISHOT (IORING_OP_SENDMSG_ZC + 1)

struct ring {
  int fd;
  unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
  struct io_uring_sqe* sqes;
  struct io_uring_cqe* cqes;
  unsigned queued;
  long enters;  // io_uring_enter calls: the system calls a ring costs
};

static int Setup(struct ring* r, unsigned entries) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN;
  r->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
  if (r->fd < 0) {
    memset(&p, 0, sizeof p);
    r->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
  }
  if (r->fd < 0) return -1;
  size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  size_t len = sq_len > cq_len ? sq_len : cq_len;  // IORING_FEAT_SINGLE_MMAP (5.4+)
  uint8_t* sq = mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                     IORING_OFF_SQ_RING);
  r->sqes = mmap(0, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
  if (sq == MAP_FAILED || r->sqes == MAP_FAILED) return -1;
  r->sq_head = (unsigned*)(sq + p.sq_off.head);
  r->sq_tail = (unsigned*)(sq + p.sq_off.tail);
  r->sq_mask = (unsigned*)(sq + p.sq_off.ring_mask);
  r->sq_array = (unsigned*)(sq + p.sq_off.array);
  r->cq_head = (unsigned*)(sq + p.cq_off.head);
  r->cq_tail = (unsigned*)(sq + p.cq_off.tail);
  r->cq_mask = (unsigned*)(sq + p.cq_off.ring_mask);
  r->cqes = (struct io_uring_cqe*)(sq + p.cq_off.cqes);
  r->queued = 0;
  r->enters = 0;
  return 0;
}

static struct io_uring_sqe* Sqe(struct ring* r) {
  unsigned tail = *r->sq_tail + r->queued++;
  unsigned index = tail & *r->sq_mask;
  r->sq_array[index] = index;
  struct io_uring_sqe* sqe = &r->sqes[index];
  memset(sqe, 0, sizeof *sqe);
  return sqe;
}

static int Enter(struct ring* r, unsigned wait) {
  __atomic_store_n(r->sq_tail, *r->sq_tail + r->queued, __ATOMIC_RELEASE);
  unsigned submit = r->queued;
  r->queued = 0;
  r->enters++;
  return (int)syscall(__NR_io_uring_enter, r->fd, submit, wait,
                      wait ? IORING_ENTER_GETEVENTS : 0, NULL, 0);
}

// Completions ready now, without a system call.
static unsigned Ready(struct ring* r) {
  return __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) - *r->cq_head;
}

// Reaps every ready completion: frames (res > 0), EAGAIN answers, other failures.
struct reaped { long frames, again, failed; };
static void Reap(struct ring* r, struct reaped* out, uint16_t* buffer_ids) {
  unsigned head = *r->cq_head, tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
  for (; head != tail; head++) {
    struct io_uring_cqe* cqe = &r->cqes[head & *r->cq_mask];
    if (cqe->res > 0) {
      if (buffer_ids && (cqe->flags & IORING_CQE_F_BUFFER))
        buffer_ids[out->frames % BATCH] = (uint16_t)(cqe->flags >> 16);
      out->frames++;
    } else if (cqe->res == -EAGAIN) {
      out->again++;
    } else {
      out->failed++;
    }
  }
  __atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
}

static int IoWorkers(void) {
  DIR* dir = opendir("/proc/self/task");
  int count = 0;
  struct dirent* entry;
  while (dir && (entry = readdir(dir))) {
    char path[300], comm[32] = "";
    snprintf(path, sizeof path, "/proc/self/task/%s/comm", entry->d_name);
    FILE* f = fopen(path, "r");
    if (!f) continue;
    if (fgets(comm, sizeof comm, f) && strncmp(comm, "iou-wrk", 7) == 0) count++;
    fclose(f);
  }
  if (dir) closedir(dir);
  return count;
}

static int tap, injector, ifindex;
static uint8_t frames[BATCH][BUF];
static uint8_t out_frame[FRAME];

static void Fail(const char* what) {
  perror(what);
  exit(1);
}

static void OpenTap(void) {
  if (unshare(CLONE_NEWNET) < 0) Fail("unshare (run as root)");
  tap = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strcpy(ifr.ifr_name, "probe0");
  if (tap < 0 || ioctl(tap, TUNSETIFF, &ifr) < 0) Fail("tap");
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  FILE* f = fopen("/proc/sys/net/ipv6/conf/probe0/disable_ipv6", "w");  // no ND chatter
  if (f) fputs("1", f), fclose(f);
  ifr.ifr_qlen = 4096;
  ioctl(s, SIOCSIFTXQLEN, &ifr);
  ifr.ifr_flags = IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) Fail("up");
  ioctl(s, SIOCGIFINDEX, &ifr);
  ifindex = ifr.ifr_ifindex;
  close(s);
  injector = socket(AF_PACKET, SOCK_RAW, 0);
  struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex};
  if (injector < 0 || bind(injector, (struct sockaddr*)&ll, sizeof ll) < 0) Fail("packet");
  memset(out_frame, 0xff, 6);  // broadcast, from a local MAC, EtherType 0x88b5 (local use)
  memcpy(out_frame + 6, "\x02\x00\x00\x00\x00\x01\x88\xb5", 8);
}

// Queues `n` frames on the TAP (one sendmmsg: not counted, not timed).
static void Inject(int n) {
  static struct mmsghdr msgs[BATCH];
  static struct iovec iov = {out_frame, FRAME};
  for (int i = 0; i < n; i++) {
    memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iov;
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  if (sendmmsg(injector, msgs, n, 0) != n) Fail("inject");
}

static void Drain(void) {
  while (read(tap, frames[0], BUF) > 0) {
  }
}

static void Report(const char* name, long frames_moved, long calls, double seconds,
                   const char* note) {
  printf("%-34s %8.2f syscalls/frame %9.0f frames/s  iou-wrk %d  %s\n", name,
         frames_moved ? (double)calls / frames_moved : 0.0,
         seconds > 0 ? frames_moved / seconds : 0.0, IoWorkers(), note);
}

// What injecting alone costs: the multishot line's time includes it.
static void InjectOnly(int rounds) {
  double t = 0;
  for (int i = 0; i < rounds; i++) {
    double t0 = Now();
    Inject(BATCH);
    t += Now() - t0;
    Drain();
  }
  Report("(injecting alone, sendmmsg)", (long)rounds * BATCH, rounds, t, "");
}

static void ReadLoop(int rounds) {
  long moved = 0, calls = 0;
  double t = 0;
  for (int i = 0; i < rounds; i++) {
    Inject(BATCH);
    double t0 = Now();
    for (;;) {
      calls++;
      if (read(tap, frames[moved % BATCH], BUF) < 0) break;
      moved++;
    }
    t += Now() - t0;
  }
  Report("read loop (read until EAGAIN)", moved, calls, t, "");
}

// n reads in one submission, waiting for all n. With frames pending, inline completion
// shows as all n completions ready when io_uring_enter returns.
static void ReadBatch(int rounds, int n, int nowait) {
  struct ring r;
  if (Setup(&r, 256) < 0) Fail("io_uring_setup");
  long calls = 0, inline_ready = 0;
  struct reaped got = {0, 0, 0};
  double t = 0;
  for (int i = 0; i < rounds; i++) {
    Inject(BATCH);
    double t0 = Now();
    for (int k = 0; k < n; k++) {
      struct io_uring_sqe* sqe = Sqe(&r);
      sqe->opcode = IORING_OP_READ;
      sqe->fd = tap;
      sqe->addr = (uintptr_t)frames[k];
      sqe->len = BUF;
      sqe->rw_flags = nowait ? RWF_NOWAIT : 0;
    }
    Enter(&r, 0);
    inline_ready += Ready(&r);
    if (Ready(&r) < (unsigned)n) Enter(&r, n - Ready(&r));
    Reap(&r, &got, NULL);
    t += Now() - t0;
  }
  calls = r.enters;
  char note[160];
  snprintf(note, sizeof note, "inline %.0f%% of completions, %ld EAGAIN, %ld failed",
           100.0 * inline_ready / (rounds * (double)n), got.again, got.failed);
  char name[64];
  snprintf(name, sizeof name, "uring %d reads%s, 1 submit", n, nowait ? " RWF_NOWAIT" : "");
  Report(name, got.frames, calls, t, note);

  // The idle case: reads on an empty queue.
  Drain();
  for (int k = 0; k < 32; k++) {
    struct io_uring_sqe* sqe = Sqe(&r);
    sqe->opcode = IORING_OP_READ;
    sqe->fd = tap;
    sqe->addr = (uintptr_t)frames[k];
    sqe->len = BUF;
    sqe->rw_flags = nowait ? RWF_NOWAIT : 0;
    sqe->user_data = 1;
  }
  double t0 = Now();
  Enter(&r, 0);
  double took = Now() - t0;
  unsigned ready = Ready(&r);
  struct reaped idle = {0, 0, 0};
  Reap(&r, &idle, NULL);
  printf("  idle: 32 reads on an empty queue: %u completed in io_uring_enter (%ld EAGAIN) "
         "in %.1f us, iou-wrk %d", ready, idle.again, took * 1e6, IoWorkers());
  if (ready < 32) {
    Inject(BATCH);  // the parked reads complete when frames arrive
    usleep(1000);
    Enter(&r, 0);
    printf("; after 64 frames arrive: %u more completed", Ready(&r));
    Reap(&r, &idle, NULL);
  }
  printf("\n");
  Drain();
  close(r.fd);
}

// One multishot read with a ring of provided buffers: a completion per frame.
static void ReadMultishot(int rounds) {
  struct ring r;
  if (Setup(&r, 256) < 0) Fail("io_uring_setup");
  size_t len = BATCH * sizeof(struct io_uring_buf);
  struct io_uring_buf_ring* br =
      mmap(0, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  struct io_uring_buf_reg reg = {.ring_addr = (uintptr_t)br, .ring_entries = BATCH, .bgid = 1};
  if (syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_PBUF_RING, &reg, 1) < 0) {
    printf("%-34s unsupported (%s)\n", "uring multishot read", strerror(errno));
    close(r.fd);
    return;
  }
  uint16_t buf_tail = 0;
  for (int k = 0; k < BATCH; k++, buf_tail++) {
    br->bufs[buf_tail & (BATCH - 1)] = (struct io_uring_buf){(uintptr_t)frames[k], BUF, (uint16_t)k, 0};
  }
  __atomic_store_n(&br->tail, buf_tail, __ATOMIC_RELEASE);
  struct io_uring_sqe* sqe = Sqe(&r);
  sqe->opcode = OP_READ_MULTISHOT;
  sqe->fd = tap;
  sqe->flags = IOSQE_BUFFER_SELECT;
  sqe->buf_group = 1;
  Enter(&r, 0);
  long calls = 0;
  struct reaped got = {0, 0, 0};
  uint16_t ids[BATCH];
  double t = 0;
  for (int i = 0; i < rounds; i++) {
    double t0 = Now();  // the reads run as task work on return from Inject's sendmmsg
    Inject(BATCH);
    long before = got.frames;
    while (got.frames - before < BATCH && got.failed == 0) {
      if (Ready(&r) == 0) Enter(&r, 1);
      Reap(&r, &got, ids);
    }
    for (long k = before; k < got.frames; k++, buf_tail++) {  // give the buffers back
      uint16_t id = ids[k % BATCH];
      br->bufs[buf_tail & (BATCH - 1)] = (struct io_uring_buf){(uintptr_t)frames[id], BUF, id, 0};
    }
    __atomic_store_n(&br->tail, buf_tail, __ATOMIC_RELEASE);
    t += Now() - t0;
    if (got.failed) break;
  }
  calls = r.enters - 1;
  char note[96];
  snprintf(note, sizeof note, "%ld failed; time includes injecting", got.failed);
  Report("uring multishot read, 1 SQE", got.frames, calls, t, note);
  close(r.fd);
}

static void WriteLoop(int rounds) {
  long moved = 0, calls = 0;
  double t0 = Now();
  struct iovec iov = {out_frame, FRAME};
  for (int i = 0; i < rounds * BATCH; i++) {
    calls++;
    if (writev(tap, &iov, 1) == FRAME) moved++;
  }
  Report("writev loop", moved, calls, Now() - t0, "");
}

static void WriteBatch(int rounds, int n, int nowait) {
  struct ring r;
  if (Setup(&r, 256) < 0) Fail("io_uring_setup");
  struct iovec iov = {out_frame, FRAME};
  long inline_ready = 0;
  struct reaped got = {0, 0, 0};
  double t0 = Now();
  for (int i = 0; i < rounds * BATCH / n; i++) {
    for (int k = 0; k < n; k++) {
      struct io_uring_sqe* sqe = Sqe(&r);
      sqe->opcode = IORING_OP_WRITEV;
      sqe->fd = tap;
      sqe->addr = (uintptr_t)&iov;
      sqe->len = 1;
      sqe->rw_flags = nowait ? RWF_NOWAIT : 0;
    }
    Enter(&r, 0);
    inline_ready += Ready(&r);
    if (Ready(&r) < (unsigned)n) Enter(&r, n - Ready(&r));
    Reap(&r, &got, NULL);
  }
  char note[96], name[64];
  snprintf(note, sizeof note, "inline %.0f%% of completions, %ld failed",
           100.0 * inline_ready / (rounds * (double)BATCH), got.failed + got.again);
  snprintf(name, sizeof name, "uring %d writev%s, 1 submit", n, nowait ? " RWF_NOWAIT" : "");
  Report(name, got.frames, r.enters, Now() - t0, note);
  close(r.fd);
}

int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 2000;
  if (rounds < 1 || rounds > 1000000) rounds = 2000;
  alarm(120);  // bounded: a read parked for a frame that never comes ends the probe
  OpenTap();
  Drain();
  printf("%d rounds of %d frames of %d bytes, TAP O_NONBLOCK\n", rounds, BATCH, FRAME);
  ReadLoop(rounds);
  ReadBatch(rounds, BATCH, 1);
  ReadBatch(rounds, BATCH, 0);
  InjectOnly(rounds);
  ReadMultishot(rounds);
  WriteLoop(rounds);
  WriteBatch(rounds, BATCH, 0);
  WriteBatch(rounds, BATCH, 1);
  WriteBatch(rounds, 8, 1);
  return 0;
}
