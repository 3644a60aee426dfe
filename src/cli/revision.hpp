// The commit this binary was built from ("unknown" outside a git checkout, "-dirty" with
// uncommitted changes): written into revision.cpp at every build by cmake/OrionRevision.cmake.
#pragma once

namespace orion::cli {

extern const char* const kRevision;

}  // namespace orion::cli
