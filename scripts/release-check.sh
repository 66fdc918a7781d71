#!/bin/bash
# release-check.sh DIR "RUNTIME PACKAGES" PRODUCT...: size of each release binary, a start (--help), and its shared
# libraries, each of which must come from the runtime packages the image installs (or what they depend on).
set -u
dir=$1 packages=$2
shift 2

# The runtime packages and everything they depend on, from the installed dpkg database (no apt lists needed).
declare -A allowed
queue=($packages)
while [ ${#queue[@]} -gt 0 ]; do
    package=${queue[0]}
    queue=("${queue[@]:1}")
    [ -n "${allowed[$package]:-}" ] && continue
    allowed[$package]=1
    depends=$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$package" 2>/dev/null) || {
        echo "release-check: runtime package $package is not installed here; install it to check against it" >&2
        exit 1
    }
    for alternative in $(echo "$depends" | tr ',' '\n' | sed -e 's/([^)]*)//g' -e 's/|.*//' -e 's/:any//' | tr -d ' '); do
        [ -n "$alternative" ] && queue+=("$alternative")
    done
done

status=0
printf '%-24s %10s  %s\n' binary "size (MB)" "shared libraries (package)"
for product in "$@"; do
    binary="$dir/$product"
    size=$(stat -c %s "$binary")
    libraries=""
    for library in $(ldd "$binary" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
        package=$(dpkg -S "$(readlink -f "$library")" 2>/dev/null | head -1 | cut -d: -f1)
        [ -z "$package" ] && package=$(dpkg -S "$library" 2>/dev/null | head -1 | cut -d: -f1)
        libraries+="$(basename "$library") ($package) "
        if [ -z "$package" ] || [ -z "${allowed[$package]:-}" ]; then
            echo "release-check: $product needs $library from '${package:-no package}', which the image does not install" >&2
            status=1
        fi
    done
    printf '%-24s %10.1f  %s\n' "$product" "$(awk -v bytes="$size" 'BEGIN { print bytes / 1000000 }')" "$libraries"
    if ! "$binary" --help >/dev/null 2>&1; then
        echo "release-check: $product --help failed" >&2
        status=1
    fi
done
exit $status
