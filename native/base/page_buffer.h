// Large data-path memory (a batch of frames or datagrams, a header arena, a path object made
// mostly of batch arrays) mapped straight from the kernel, so only the pages a batch touches
// become resident. From malloc, a thousand devices' paths and buffers cost 180 MiB of heap
// they never filled (glibc's mmap threshold rises dynamically, and then they come from the
// heap); mapped, 10 MiB.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace vtepd {

class PageBuffer {
 public:
  // Throws std::bad_alloc when the address space is exhausted.
  explicit PageBuffer(size_t bytes)
      : bytes_(bytes),
        data_(static_cast<uint8_t*>(::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0))) {
    if (data_ == MAP_FAILED) throw std::bad_alloc();
  }
  ~PageBuffer() { ::munmap(data_, bytes_); }
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;

  uint8_t* get() const { return data_; }

 private:
  size_t bytes_;
  uint8_t* data_;
};

// Base of the data-path classes whose objects are mostly batch arrays (hundreds of KiB): new
// and delete map and unmap them like a PageBuffer. Delete them only through their own type.
struct PageAllocated {
  static void* operator new(size_t bytes) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  static void operator delete(void* p, size_t bytes) { ::munmap(p, bytes); }
};

}  // namespace vtepd
