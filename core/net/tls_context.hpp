// The server side of TLS for clients: one SSL_CTX loaded from PEM files. With reactor.cpp, the
// only place that includes OpenSSL; everything else sees this class.
#pragma once

#include <memory>
#include <string>

struct ssl_ctx_st;

namespace ampd {

// Why a certificate/key pair could not be loaded, and which [server] key names the culprit.
struct TlsLoadError {
  std::string key;   // "tls_certificate" or "tls_key"
  std::string text;  // "cannot read /etc/ampd/ampd.pem: No such file or directory", ...
};

class TlsContext {
 public:
  // Loads a PEM certificate chain (leaf first) and its unencrypted PEM private key. Returns
  // nothing, with `error` set, when a file is missing, unreadable, not PEM, encrypted, or the
  // key does not match the certificate. The context speaks TLS 1.2 and 1.3 only, with AEAD
  // ciphers and forward secrecy.
  static std::unique_ptr<TlsContext> load(const std::string& certificate, const std::string& key,
                                          TlsLoadError& error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // For Connection: each accepted socket gets an SSL from this (which keeps its own reference,
  // so a context may be replaced while connections made from it are open).
  ssl_ctx_st* native() const { return ctx_; }

 private:
  explicit TlsContext(ssl_ctx_st* ctx) : ctx_(ctx) {}
  ssl_ctx_st* ctx_ = nullptr;
};

}  // namespace ampd
