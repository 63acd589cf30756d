#!/usr/bin/env bash
# The interface's catalogues with Babel: `extract` writes locale/pim_workbook.pot from the
# code and templates and updates every language's .po from it; `compile` writes the .mo
# files (the package build does this too).
set -euo pipefail
cd "$(dirname "$0")/.."
locale=pim_workbook/locale
case "${1:-}" in
  extract)
    pybabel extract -F "$locale/babel.cfg" -k N_ -k ngettext:1,2 --no-location --sort-output \
      --project "PIM Data-Sharing Workbook" --copyright-holder "PIM Data-Sharing Workbook" \
      -o "$locale/pim_workbook.pot" pim_workbook
    for lang in fr es ar; do
      po="$locale/$lang/LC_MESSAGES/pim_workbook.po"
      if [ -f "$po" ]; then
        pybabel update -D pim_workbook -i "$locale/pim_workbook.pot" -d "$locale" -l "$lang" \
          --no-fuzzy-matching --ignore-obsolete
      else
        pybabel init -D pim_workbook -i "$locale/pim_workbook.pot" -d "$locale" -l "$lang"
      fi
    done ;;
  compile)
    pybabel compile -D pim_workbook -d "$locale" --statistics ;;
  *)
    echo "usage: scripts/i18n.sh extract|compile" >&2; exit 2 ;;
esac
