#include "clients/web_root.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/text.hpp"

namespace ampd {

namespace {

std::string content_type_of(const std::filesystem::path& file) {
  const auto ext = to_lower(file.extension().string());
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

std::shared_ptr<const WebRoot> WebRoot::load(const std::string& dir, std::string& error) {
  auto root = std::make_shared<WebRoot>();
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    error = "cannot read the web root " + dir + ": " + ec.message();
    return root;
  }
  for (const auto& entry : it) {
    if (!entry.is_regular_file(ec) || entry.file_size(ec) > kMaxFileSize) continue;
    if (root->files_.size() == kMaxFiles) {
      error = "web root " + dir + ": more than " + std::to_string(kMaxFiles) +
              " files; the rest "
              "are not served";
      break;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in.is_open()) continue;
    std::ostringstream body;
    body << in.rdbuf();
    root->files_.emplace(entry.path().filename().string(),
                         File{content_type_of(entry.path()), body.str()});
  }
  return root;
}

const WebRoot::File* WebRoot::find(std::string_view target) const {
  target = target.substr(0, target.find_first_of("?#"));
  if (target == "/") target = "/index.html";
  if (target.size() < 2 || target[0] != '/') return nullptr;
  const auto it = files_.find(target.substr(1));
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace ampd
