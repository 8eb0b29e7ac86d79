#!/usr/bin/env bash
# Inspects the packages `dotnet pack` produced: every packable project (src/*) has its .nupkg, and each .nupkg holds
# its README (PackageReadmeFile) and icon (PackageIcon), both named in its .nuspec, the XML documentation beside every
# assembly it ships (tools excepted), its license expression and repository, and has a .snupkg beside it with a portable
# PDB for every assembly. Fails naming every problem it found.
#
#   bash .ci/steps/package-check.sh [DIRECTORY]     # default: artifacts/packages (where .ci/run packs)
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=${1:-artifacts/packages}
[ -d "$dir" ] || { echo "package check: no directory $dir (run dotnet pack first)" >&2; exit 1; }
command -v unzip > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip > /dev/null; } \
  || { echo "package check: unzip is needed and could not be installed" >&2; exit 1; }

# The icon in the packages is the one eng/make-icon.py draws (reproducible byte for byte).
if command -v python3 > /dev/null; then
  python3 eng/make-icon.py --check || { echo "package check: eng/icon.png is not what eng/make-icon.py draws" >&2; exit 1; }
fi

version=$(dotnet msbuild src/TokenSdk/TokenSdk.csproj -getProperty:Version)
problems=0
problem() { printf '  PROBLEM %s\n' "$*" >&2; problems=$((problems + 1)); }

# The packable projects, read from the projects themselves: a new package is checked without editing this script.
packages=()
for project in src/*/*.csproj; do
  [ "$(dotnet msbuild "$project" -getProperty:IsPackable)" = true ] || continue
  packages+=("$(dotnet msbuild "$project" -getProperty:PackageId)")
done
[ "${#packages[@]}" -gt 0 ] || { echo "package check: no packable project under src/" >&2; exit 1; }

for id in "${packages[@]}"; do
  nupkg="$dir/$id.$version.nupkg"
  snupkg="$dir/$id.$version.snupkg"
  echo "$id $version"
  if [ ! -f "$nupkg" ]; then problem "$id: no $nupkg"; continue; fi
  listing=$(unzip -Z1 "$nupkg")
  nuspec=$(unzip -p "$nupkg" "$id.nuspec" 2> /dev/null)
  [ -n "$nuspec" ] || { problem "$id: no $id.nuspec in the package"; continue; }

  readme=$(printf '%s' "$nuspec" | sed -n 's:.*<readme>\(.*\)</readme>.*:\1:p')
  icon=$(printf '%s' "$nuspec" | sed -n 's:.*<icon>\(.*\)</icon>.*:\1:p')
  if [ -z "$readme" ]; then problem "$id: the nuspec names no readme"
  elif ! printf '%s\n' "$listing" | grep -qxF "$readme"; then problem "$id: readme $readme is not in the package"
  elif [ "$(unzip -p "$nupkg" "$readme" | wc -c)" -lt 200 ]; then problem "$id: readme $readme is nearly empty"
  else echo "  readme   $readme ($(unzip -p "$nupkg" "$readme" | wc -l) lines)"; fi
  if [ -z "$icon" ]; then problem "$id: the nuspec names no icon"
  elif ! printf '%s\n' "$listing" | grep -qxF "$icon"; then problem "$id: icon $icon is not in the package"
  elif [ "$(unzip -p "$nupkg" "$icon" | head -c 8 | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then problem "$id: icon $icon is not a PNG"
  else echo "  icon     $icon"; fi
  printf '%s' "$nuspec" | grep -q '<license type="expression">' || problem "$id: no license expression"
  printf '%s' "$nuspec" | grep -q '<repository ' || problem "$id: no repository element"
  printf '%s' "$nuspec" | grep -q '<tags>' || problem "$id: no tags"

  # Libraries: lib/<tfm>/X.dll with lib/<tfm>/X.xml. A tool (tools/<tfm>/any/) ships its own program: no XML docs needed.
  assemblies=$(printf '%s\n' "$listing" | grep -E '^lib/[^/]+/[^/]+\.dll$' || true)
  tool_assembly=$(printf '%s\n' "$listing" | grep -E "^tools/[^/]+/any/$id\.dll$" || true)
  [ -n "$assemblies$tool_assembly" ] || problem "$id: neither lib/ assemblies nor a tool's own assembly"
  for dll in $assemblies; do
    xml=${dll%.dll}.xml
    if printf '%s\n' "$listing" | grep -qxF "$xml"; then echo "  docs     $xml"; else problem "$id: no XML docs $xml beside $dll"; fi
  done

  if [ ! -f "$snupkg" ]; then problem "$id: no symbol package $snupkg beside it"; continue; fi
  symbols=$(unzip -Z1 "$snupkg")
  for dll in $assemblies $tool_assembly; do
    pdb=${dll%.dll}.pdb
    if printf '%s\n' "$symbols" | grep -qxF "$pdb"; then echo "  symbols  $pdb (in the .snupkg)"; else problem "$id: no $pdb in $snupkg"; fi
  done
  # A .snupkg must hold portable PDBs only (nuget.org refuses Windows PDBs): the signature "BSJB" starts each.
  for pdb in $(printf '%s\n' "$symbols" | grep '\.pdb$'); do
    [ "$(unzip -p "$snupkg" "$pdb" | head -c 4)" = BSJB ] || problem "$id: $pdb is not a portable PDB"
  done
done

echo
if [ "$problems" -ne 0 ]; then
  echo "package check: $problems problem(s) in $dir (above)" >&2
  exit 1
fi
echo "package check: ${#packages[@]} packages in $dir, each with README, icon, XML docs and a .snupkg beside it"
