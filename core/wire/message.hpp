// A manager message: an ordered multimap of headers with case-insensitive names.
// Order matters (Response/Event first) and names repeat (Variable, Output, ChanVariable).
// Every name and value lives in one buffer, so a message costs two allocations however many
// headers it has (events and actions are built and copied on the hot path).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ampd {

// A view of one header. Both views are NUL-terminated (plugins' C ABI reads them as C strings)
// and stay valid until the message is changed, moved or destroyed.
struct Header {
  std::string_view name;
  std::string_view value;
};

class Message {
  struct Span {
    std::uint32_t name_at;
    std::uint32_t name_size;
    std::uint32_t value_at;
    std::uint32_t value_size;
  };

 public:
  // The headers in order, as Header views; size() and [] for indexed access.
  class Headers {
   public:
    class iterator {
     public:
      using iterator_category = std::forward_iterator_tag;
      using value_type = Header;
      using difference_type = std::ptrdiff_t;
      using pointer = void;
      using reference = Header;

      iterator() = default;
      iterator(const Message* message, std::size_t index) : message_(message), index_(index) {}
      // `it->name` works on the Header copy this returns.
      struct Arrow {
        Header header;
        const Header* operator->() const { return &header; }
      };

      Header operator*() const { return message_->view(index_); }
      Arrow operator->() const { return {message_->view(index_)}; }
      iterator& operator++() {
        ++index_;
        return *this;
      }
      iterator operator++(int) {
        auto before = *this;
        ++index_;
        return before;
      }
      bool operator==(const iterator& other) const { return index_ == other.index_; }

     private:
      const Message* message_ = nullptr;
      std::size_t index_ = 0;
    };

    explicit Headers(const Message& message) : message_(message) {}
    iterator begin() const { return {&message_, 0}; }
    iterator end() const { return {&message_, size()}; }
    std::size_t size() const { return message_.spans_.size(); }
    bool empty() const { return message_.spans_.empty(); }
    Header operator[](std::size_t index) const { return message_.at(index); }
    Header front() const { return message_.at(0); }
    Header back() const { return message_.at(size() - 1); }

   private:
    const Message& message_;
  };

  Message() = default;
  Message(std::initializer_list<Header> headers);
  Message(const Message&) = default;
  Message& operator=(const Message&) = default;
  // A moved-from message is empty and usable (its dead-byte count goes with the bytes).
  Message(Message&& other) noexcept { *this = std::move(other); }
  Message& operator=(Message&& other) noexcept {
    if (this == &other) return *this;
    text_ = std::move(other.text_);
    spans_ = std::move(other.spans_);
    dead_ = std::exchange(other.dead_, 0);
    other.text_.clear();
    other.spans_.clear();
    return *this;
  }

  void add(std::string_view name, std::string_view value);
  // Replaces the first header with this name, or appends one.
  void set(std::string_view name, std::string_view value);
  void remove(std::string_view name);
  // Room for `count` headers holding about `bytes` of names and values, so that filling a
  // message allocates once.
  void reserve(std::size_t count, std::size_t bytes = 0);

  bool has(std::string_view name) const { return find(name).has_value(); }
  // The first value under this name; the view follows the rules of Header.
  std::optional<std::string_view> find(std::string_view name) const;
  std::string get(std::string_view name, std::string_view fallback = {}) const;
  std::vector<std::string> get_all(std::string_view name) const;

  Headers headers() const& { return Headers(*this); }
  // A temporary's headers would dangle before a range-for's body runs.
  Headers headers() const&& = delete;
  // The header at `index`; throws std::out_of_range past the end.
  Header at(std::size_t index) const {
    if (index >= spans_.size()) throw std::out_of_range("Message::at");
    return view(index);
  }
  bool empty() const { return spans_.empty(); }
  // Bytes of the buffer holding names and values, live or dead (memory accounting, tests).
  std::size_t text_bytes() const { return text_.size(); }

 private:
  // Unchecked: iterators stay below size(). Inline, as every codec loop goes through it.
  Header view(std::size_t index) const {
    const auto& s = spans_[index];
    return {std::string_view(text_.data() + s.name_at, s.name_size),
            std::string_view(text_.data() + s.value_at, s.value_size)};
  }
  bool points_inside(std::string_view text) const;
  std::uint32_t append(std::string_view text);
  void compact_if_wasteful();

  std::string text_;  // every name and value, each followed by a NUL
  std::vector<Span> spans_;
  std::size_t dead_ = 0;  // bytes of text_ no header refers to any more (set, remove)
};

}  // namespace ampd
