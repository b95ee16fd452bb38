// The static files ampd serves on its WebSocket listeners (the wallboard page). Read into memory
// at start and on SIGHUP, so a page request never touches the disk on the reactor thread and no
// request path can reach outside the directory.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace ampd {

class WebRoot {
 public:
  struct File {
    std::string content_type;
    std::string body;
  };

  // The regular files directly in `dir` (not below it): at most kMaxFiles, each at most
  // kMaxFileSize. A missing directory gives an empty root and an error text to log.
  static std::shared_ptr<const WebRoot> load(const std::string& dir, std::string& error);

  // The file for a request target ("/" is index.html; the query string is ignored).
  const File* find(std::string_view target) const;
  std::size_t size() const { return files_.size(); }

  static constexpr std::size_t kMaxFiles = 64;
  static constexpr std::size_t kMaxFileSize = 2 * 1024 * 1024;

 private:
  std::map<std::string, File, std::less<>> files_;  // by name, e.g. "index.html"
};

}  // namespace ampd
