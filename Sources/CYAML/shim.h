// The system libyaml (Debian: libyaml-dev to build, libyaml-0-2 at run time), read by the YAML module.
#include <yaml.h>
