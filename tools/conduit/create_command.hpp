// `conduit create`: a new project from a template (templates/<name>/ in the source tree,
// share/conduit/templates/<name>/ once installed), and `conduit create list-templates`.
//
// Thread-safety: single-threaded (the tool's main thread).
#pragma once

namespace conduit::tool {

// argv[0] is "create"; returns the process exit code. Errors print one "*** " line.
int create_command(int argc, char** argv);

}  // namespace conduit::tool
