#include "net/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ampd {

namespace {

// TLS 1.2 suites: ECDHE key exchange and AEAD only (TLS 1.3 suites are all of that already).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The reason of the most recent OpenSSL error ("no start line"), and the queue emptied.
std::string openssl_reason(const char* fallback) {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : fallback;
}

// A clearer message than OpenSSL's "system lib" for the commonest mistake.
bool readable(const std::string& path, std::string& error) {
  if (path.empty()) {
    error = "not set";
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::fclose(f);
  return true;
}

// An encrypted key would make OpenSSL prompt on the terminal; a daemon has none. Refuse instead.
int no_passphrase(char*, int, int, void*) { return 0; }

}  // namespace

std::unique_ptr<TlsContext> TlsContext::load(const std::string& certificate, const std::string& key,
                                             TlsLoadError& error) {
  error = {"tls_certificate", {}};
  if (!readable(certificate, error.text)) return nullptr;
  error.key = "tls_key";
  if (!readable(key, error.text)) return nullptr;

  ERR_clear_error();
  SSL_CTX* raw = SSL_CTX_new(TLS_server_method());
  if (raw == nullptr) {
    error = {"tls_certificate", "cannot create a TLS context: " + openssl_reason("unknown")};
    return nullptr;
  }
  std::unique_ptr<TlsContext> ctx(new TlsContext(raw));
  SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION);
  SSL_CTX_set_options(
      raw, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
  // OpenSSL 3 reports a peer that closes its socket without close_notify as an error; for
  // ampd it is an ordinary "closed by peer", as on a plain connection (a message cut short
  // that way is incomplete and never acted on, so nothing can be truncated into meaning).
  SSL_CTX_set_options(raw, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
  // Thousands of mostly idle clients: give the read/write buffers back between records.
  SSL_CTX_set_mode(raw, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_default_passwd_cb(raw, &no_passphrase);
  if (SSL_CTX_set_cipher_list(raw, kTls12Ciphers) != 1) {
    error = {"tls_certificate", "no usable TLS 1.2 cipher: " + openssl_reason("unknown")};
    return nullptr;
  }
  if (SSL_CTX_use_certificate_chain_file(raw, certificate.c_str()) != 1) {
    error = {"tls_certificate", "cannot load a PEM certificate from " + certificate + ": " +
                                    openssl_reason("unknown error")};
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey_file(raw, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(raw) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      error = {"tls_key", key + " is not the private key of the certificate in " + certificate};
    } else {
      error = {"tls_key", "cannot load an unencrypted PEM private key from " + key + ": " +
                              openssl_reason("unknown error")};
    }
    return nullptr;
  }
  ERR_clear_error();
  return ctx;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace ampd
