#include "asterisk/ami_result.hpp"

#include "base/text.hpp"

namespace ampd {

bool AmiResult::success() const {
  if (!ok()) return false;
  const auto r = response.get("Response");
  return !iequals(r, "Error") && !iequals(r, "Failure");
}

}  // namespace ampd
