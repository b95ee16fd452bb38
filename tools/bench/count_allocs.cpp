// LD_PRELOAD shim for ampd-allocs: counts every malloc, calloc and realloc of the process it
// is loaded into and rewrites the running total to $AMPD_COUNT_ALLOCS_FILE every 20 ms.
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* pointer, size_t size);
}

namespace {

std::atomic<unsigned long long> allocations{0};

void* write_counts(void* path_arg) {
  const char* path = static_cast<const char*>(path_arg);
  char temporary[4096];
  std::snprintf(temporary, sizeof temporary, "%s.tmp", path);
  for (;;) {
    usleep(20000);
    const int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) continue;
    char line[32];
    const int length = std::snprintf(line, sizeof line, "%llu\n", allocations.load());
    const bool written = write(fd, line, static_cast<size_t>(length)) == length;
    close(fd);
    if (written) rename(temporary, path);
  }
  return nullptr;
}

__attribute__((constructor)) void start_writer() {
  const char* path = std::getenv("AMPD_COUNT_ALLOCS_FILE");
  if (path == nullptr) return;
  pthread_t thread;
  if (pthread_create(&thread, nullptr, write_counts, strdup(path)) == 0) pthread_detach(thread);
}

}  // namespace

extern "C" {
void* malloc(size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(size_t count, size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(pointer, size);
}
}
