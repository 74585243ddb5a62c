// A per-thread cache of coroutine frames, by size class.
//
// Request handling creates and destroys several Task frames per request; their sizes
// repeat, so keeping a few freed frames per 64-byte size class avoids most malloc/free
// pairs on the hot path. Frames beyond the largest class, or beyond the per-class cap,
// go straight to the global allocator, so the cache stays bounded (at most
// kClasses * kMaxCachedPerClass frames per thread).
//
// Thread-safety: each thread uses only its own cache. A frame freed on another thread
// than the one that allocated it simply joins the freeing thread's cache.
#include <cstddef>
#include <cstdlib>
#include <new>

#include "conduit/core/task.hpp"

namespace conduit::detail {

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CONDUIT_FRAME_CACHE_DISABLED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CONDUIT_FRAME_CACHE_DISABLED 1
#endif

#if defined(CONDUIT_FRAME_CACHE_DISABLED)
// Under AddressSanitizer every frame goes to the global allocator, so use-after-free of
// a frame is still detected.
void* allocate_frame(std::size_t size) { return ::operator new(size); }
void deallocate_frame(void* frame, std::size_t) noexcept { ::operator delete(frame); }
#else
namespace {

constexpr std::size_t kGranularity = 64;
constexpr std::size_t kClasses = 16;  // frames up to 1 KiB are cached
constexpr std::size_t kMaxCachedPerClass = 256;

struct FreeFrame {
  FreeFrame* next;
};

struct FrameCache {
  FreeFrame* heads[kClasses] = {};
  std::size_t counts[kClasses] = {};

  ~FrameCache() {
    for (auto& head : heads) {
      while (head) {
        FreeFrame* next = head->next;
        ::operator delete(head);
        head = next;
      }
    }
  }
};

thread_local FrameCache t_cache;

constexpr std::size_t size_class(std::size_t size) noexcept {
  return (size + kGranularity - 1) / kGranularity - 1;
}

}  // namespace

void* allocate_frame(std::size_t size) {
  std::size_t c = size_class(size);
  if (c < kClasses) {
    if (FreeFrame* frame = t_cache.heads[c]) {
      t_cache.heads[c] = frame->next;
      --t_cache.counts[c];
      return frame;
    }
    return ::operator new((c + 1) * kGranularity);
  }
  return ::operator new(size);
}

void deallocate_frame(void* frame, std::size_t size) noexcept {
  std::size_t c = size_class(size);
  if (c < kClasses && t_cache.counts[c] < kMaxCachedPerClass) {
    auto* free_frame = static_cast<FreeFrame*>(frame);
    free_frame->next = t_cache.heads[c];
    t_cache.heads[c] = free_frame;
    ++t_cache.counts[c];
    return;
  }
  ::operator delete(frame);
}
#endif

}  // namespace conduit::detail
