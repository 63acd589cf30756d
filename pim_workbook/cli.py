"""The ``pim-workbook`` command: parses arguments and delegates to the package."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, get_args

from pim_workbook import __version__
from pim_workbook.errors import WorkbookError
from pim_workbook.i18n import LANGUAGES
from pim_workbook.record.vocabulary import AssessmentStatus

if TYPE_CHECKING:
    from pim_workbook.access import Role

LANGUAGE_CODES = list(LANGUAGES)  # the interface's (i18n imports only the standard library)

# the arguments that name a file or folder: an error about that path names the option
PATH_ARGUMENTS = {"db": "--db", "content": "--content", "out": "--out", "csv": "--csv",
                  "notebooks": "--notebooks", "file": "", "dest": "", "source": ""}


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"pim-workbook: {message} (see {self.prog} --help)\n")


def _at_least_one(text: str) -> int:
    """A count option (argparse names the option in the message)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number, 1 or more")
    return int(text)


def _fraction(text: str) -> float:
    """A threshold option (argparse names the option in the message)."""
    try:
        number = float(text)
    except ValueError:
        number = -1
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a fraction between 0 and 1 "
                                         "(0.03 means 3 %)")
    return number


def _store(args: argparse.Namespace) -> Any:
    from pim_workbook.content.framework import load_content
    from pim_workbook.store.core import Store

    return Store(args.db, content=load_content(args.content))


def _actor(args: argparse.Namespace) -> str:
    return args.actor or os.environ.get("PIM_WORKBOOK_ACTOR") or getpass.getuser()


def _date(text: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option's date; a bad one is refused naming the option."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:  # "day is out of range for month" says more than "not a date"
        why = "" if str(exc).startswith("Invalid isoformat") else f" ({exc})"
        raise ValueError(f"{option} {text}: not a date{why}; give one as YYYY-MM-DD") \
            from None


def _out(args: argparse.Namespace) -> str | None:
    """``--out``, made now: a path that cannot be a folder is refused naming the option."""
    if args.out:
        Path(args.out).expanduser().mkdir(parents=True, exist_ok=True)
    return args.out


def _parse_party(text: str) -> tuple[str, str]:
    organisation, sep, role = text.rpartition(":")
    if not sep:
        return text, "other"
    return organisation, role.strip().lower()


def cmd_new(args: argparse.Namespace) -> None:
    store = _store(args)
    actor = _actor(args)
    parties = [_parse_party(p) for p in args.party]
    from pim_workbook.record.paths import validate_unit

    for organisation, role in parties:  # check all before creating anything
        validate_unit("parties/A", {"organisation": organisation, "role": role})
    aid = store.create(args.title, actor=actor, via="cli")
    for organisation, role in parties:
        store.add_party(aid, organisation, role, actor=actor, via="cli")
    if args.purpose:
        store.set(aid, "purpose", args.purpose, actor=actor, via="cli")
    print(aid)


def cmd_list(args: argparse.Namespace) -> None:
    rows = _store(args).summaries()
    if args.status:
        rows = [r for r in rows if r.status == args.status]
    if args.party:
        needle = args.party.casefold()
        rows = [r for r in rows if any(needle in p.casefold() for p in r.parties)]
    if not rows:
        print("no assessments" + (" match" if args.status or args.party else
                                  " yet: `pim-workbook sample` loads an example"))
        return
    print(f"{'ID':<10} {'STATUS':<17} {'REV':>3}  {'NEXT REVIEW':<11}  TITLE (PARTIES)")
    for r in rows:
        print(f"{r.id:<10} {r.status:<17} {r.revision:>3}  {r.next_review or '-':<11}  "
              f"{r.title} ({', '.join(r.parties)})")


def cmd_show(args: argparse.Namespace) -> None:
    from pim_workbook.record.progress import divergences, progress, retired_answers

    store = _store(args)
    record = store.get(args.id)
    print(f"{record.title}  [{record.id}]  status: {store.status(args.id)}")
    print(f"content version {record.content_version}, created {record.created_at}")
    for pid, party in record.parties.items():
        print(f"  party {pid}: {party.organisation} ({party.role})")
    if record.purpose:
        print(f"purpose: {record.purpose}")
    print("progress:")
    for section, (done, total) in progress(record, store.content).items():
        print(f"  {section:<12} {done:>3} / {total}")
    open_q = divergences(record, store.content)
    if open_q:
        print("answers differ or are missing: " + ", ".join(open_q))
    retired = retired_answers(record, store.content)
    if retired:
        print("answers to questions no longer in the content (kept): " + ", ".join(retired))
    revs = store.revisions(args.id)
    if revs:
        print("signed revisions: " + ", ".join(f"{r.number} ({r.created_at[:10]})"
                                               for r in revs))
    from pim_workbook.store.integrity import verification_lines

    for line in verification_lines(store.verify(args.id), args.id):
        print(line)


def cmd_verify(args: argparse.Namespace) -> None:
    from pim_workbook.errors import StoreError
    from pim_workbook.store.integrity import problem_lines, signers_text

    result = _store(args).verify(args.id)
    lines = problem_lines(result)
    for line in lines:
        print(line)
    if lines:
        raise StoreError(f"{args.id} does not verify ({len(lines)} problem"
                         f"{'s' * (len(lines) > 1)})")
    print(f"{args.id}: verified — " + (f"sealed by {signers_text(result)}" if result.signers
                                       else "the history chain is intact; nothing is sealed "
                                       "yet"))


def cmd_trust(args: argparse.Namespace) -> None:
    store = _store(args)
    if not args.fingerprint:
        print(f"this store: {store.own_fingerprint()}")
        for fp in store.trusted():
            print(f"trusted: {fp}")
        return
    fp = store.trust(" ".join(args.fingerprint), actor=_actor(args))
    print(f"trusted: seals by {fp} now verify as by a known store")


def cmd_export(args: argparse.Namespace) -> None:
    from pim_workbook.outputs.exports import FORMATS, export

    store = _store(args)
    formats = list(FORMATS) if args.format == "all" else [args.format]
    for fmt in formats:
        print(export(store, args.id, fmt, args.out))


def cmd_import(args: argparse.Namespace) -> None:
    from pim_workbook.outputs.jsonfile import import_json
    from pim_workbook.store.integrity import problem_lines

    path = Path(args.file)
    store = _store(args)
    aid = import_json(store, path.read_bytes(), actor=_actor(args),
                      source=str(path.resolve()), replace=args.replace,
                      unverified=args.unverified)
    print(aid)
    for line in problem_lines(store.verify(aid)):
        print(line, file=sys.stderr)


def cmd_schema(args: argparse.Namespace) -> None:
    from pim_workbook.outputs.jsonfile import SCHEMA_PATH

    print(SCHEMA_PATH.read_text(encoding="utf-8"), end="")


def cmd_sample(args: argparse.Namespace) -> None:
    from pim_workbook.sample.assessment import SAMPLE_ID, build_sample

    store = _store(args)
    if store.exists(SAMPLE_ID):
        if not args.replace:
            print(f"the sample is already loaded as {SAMPLE_ID} "
                  "(use --replace to load it afresh)")
            return
        store.delete(SAMPLE_ID, confirm=SAMPLE_ID)
    print(build_sample(store))


def cmd_backup(args: argparse.Namespace) -> None:
    from pim_workbook.store.transfer import backup

    print(backup(_store(args), args.dest))


def cmd_archive(args: argparse.Namespace) -> None:
    _store(args).archive(args.id, actor=_actor(args), archived=not args.undo, via="cli")
    print(f"{args.id} {'restored' if args.undo else 'archived'}")


def cmd_delete(args: argparse.Namespace) -> None:
    from pim_workbook.errors import StoreError

    store = _store(args)
    title = store.get(args.id).title
    confirm = args.confirm
    if confirm is None:
        if not sys.stdin.isatty():
            raise StoreError(f"to delete {args.id} without a prompt, add --confirm {args.id}")
        confirm = input(f"Delete '{title}' ({args.id}) with its history and revisions? "
                        "Type its id to confirm: ").strip()
    store.delete(args.id, confirm=confirm)
    print(f"{args.id} deleted")


def _formats(text: str) -> list[str]:
    return [f.strip() for f in text.split(",") if f.strip()]


def _report_formats(args: argparse.Namespace) -> list[str]:
    from pim_workbook.outputs.reports import FORMATS

    formats = _formats(args.format)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"--format {args.format}: give some of {', '.join(FORMATS)}, "
                         "separated by commas")
    return formats


def cmd_report(args: argparse.Namespace) -> None:
    from pim_workbook.errors import ReportError
    from pim_workbook.i18n import set_language
    from pim_workbook.outputs.reports import run_report

    set_language(args.lang)

    store = _store(args)
    store.get(args.id)  # a clear error for an unknown id
    result = run_report(args.id, db_path=store.path, out_dir=_out(args),
                        formats=_report_formats(args), revision=args.revision,
                        history=args.history, paper=args.paper)
    if result.status != "ok":
        raise ReportError(f"report of {args.id} failed: {result.error.splitlines()[0]}")
    for path in result.files:
        print(path)


def cmd_batch(args: argparse.Namespace) -> None:
    from pim_workbook.errors import ReportError
    from pim_workbook.i18n import set_language
    from pim_workbook.outputs.reports import run_batch, select, summary_table

    set_language(args.lang)

    formats = _report_formats(args)
    due = _date(args.review_due, "--review-due")
    store = _store(args)
    ids = select(store, party=args.party, status=args.status, review_due_by=due)
    if not ids:
        print("no assessments match")
        return
    results = run_batch(ids, jobs=args.jobs, db_path=store.path, out_dir=_out(args),
                        formats=formats, history=args.history, paper=args.paper,
                        kernel_per_report=args.kernel_per_report)
    print(summary_table(results))
    failed = [r.aid for r in results if r.status != "ok"]
    if failed:
        raise ReportError(("{count} report(s) failed: {ids}").format(
            count=len(failed), ids=", ".join(failed)))


def _risk_workspace(args: argparse.Namespace, min_k: int, max_risk: float) -> Any:
    """The risk check the options describe: the file read, the columns chosen and the
    treatment steps added (from ``--recipe``, or from the treatment options)."""
    from pim_workbook.sdc.workspace import Workspace

    treating = [option for option, given in (
        ("--suppress-to-k", args.suppress_to_k), ("--suppress-to-risk", args.suppress_to_risk),
        ("--pram", args.pram)) if given]
    if args.recipe:
        from pim_workbook.sdc.recipe import load_recipe

        if treating or args.quasi:
            raise ValueError(("--recipe brings its own columns and steps: leave out {options}")
                             .format(options=", ".join(treating or ["--quasi"])))
        recipe = load_recipe(args.recipe)
        work = Workspace.from_path(args.file, na_values=recipe.na_values, min_k=min_k,
                                   max_risk=max_risk)
        work.follow(recipe)
        return work
    if not args.quasi:
        raise ValueError("name the quasi-identifiers with --quasi (or give a --recipe)")
    work = Workspace.from_path(args.file, na_values=_formats(args.na_values or ""),
                               min_k=min_k, max_risk=max_risk)
    work.quasi, work.sensitive = _formats(args.quasi), _formats(args.sensitive or "")
    work.weight, work.household = args.weight, args.household
    work.tabulate = _formats(args.tabulate or "")
    work.before()  # columns the file lacks are refused before any treatment runs
    if args.keep_households and not args.household:
        raise ValueError("--keep-households needs the household-id column: --household COL")
    keep = _formats(args.keep or "") or None
    if keep and not (args.suppress_to_k or args.suppress_to_risk):
        raise ValueError("--keep orders local suppression: add --suppress-to-k K or "
                           "--suppress-to-risk R")
    if args.suppress_to_k or args.suppress_to_risk:
        from pim_workbook.sdc.treatments import LocalSuppression

        work.add(LocalSuppression(
            keys=tuple(work.quasi), k=args.suppress_to_k or min_k,
            importance=tuple(keep) if keep else None, strata=args.strata,
            household=args.household if args.keep_households else None,
            max_risk=args.suppress_to_risk, weight=args.weight))
    elif args.strata:
        raise ValueError("--strata applies to local suppression: add --suppress-to-k K")
    if args.pram:
        from pim_workbook.sdc.treatments import Pram

        seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
        work.add(Pram(columns=tuple(_formats(args.pram)), pd=args.pram_pd,
                      alpha=args.pram_alpha, seed=seed))
    return work


def _treatment_figures(work: Any) -> dict[str, Any]:
    """What the treatment did, for ``--json``: suppressions, PRAM changes, the information
    loss and the risk after."""
    import numpy as np

    loss = work.loss().to_dict()
    columns = loss["columns"]
    treated = work.treated()[0]
    keys = [c for c in work.quasi if c in treated.columns]
    kept = work.table.loc[treated.index, keys]
    newly = (treated[keys].isna().to_numpy() & ~kept.isna().to_numpy()).any(axis=1)
    suppressions = {c: columns[c]["suppressed"] for c in work.quasi if c in columns}
    return {"steps": work.treated()[1], "after": work.after(),
            "suppressions": suppressions, "suppressions_total": sum(suppressions.values()),
            "records_suppressed": int(np.count_nonzero(newly)),
            "pram_changed": {c: v["perturbed"] for c, v in columns.items() if v["perturbed"]},
            "information_loss": loss}


def _print_figures(data: dict[str, Any], quasi: list[str]) -> None:
    print(f"{data['n']} records, {data['classes']} combinations of {','.join(quasi)}")
    print(f"k (smallest class): {data['k']}   sample uniques: {data['sample_uniques']}")
    print("records in classes smaller than 2 / 3 / 5: "
          + " / ".join(str(data["below_k"][k]) for k in ("2", "3", "5")))
    print(f"expected re-identifications: {data['expected_reidentifications']:.4f}   "
          f"global risk: {100 * data['global_risk']:.2f} %")
    if "household_risk" in data:
        print(f"household risk ({data['households']} households in {data['household']}): "
              f"expected re-identifications {data['household_expected_reidentifications']:.4f}"
              f"   share {100 * data['household_risk']:.2f} %")
    for column, l_value in data["l_diversity"].items():
        print(f"l-diversity of {column}: {l_value}")
    print("records by individual risk: " + ", ".join(
        f"{band}: {count}" for band, count in data["risk_bands"].items()))


def _verdict(data: dict[str, Any], min_k: int, max_risk: float) -> str:
    measure = "household risk" if "household_risk" in data else "global risk"
    if not data["needs_action"]:
        return (f"within the thresholds (k >= {min_k}, {measure} <= {100 * max_risk:.1f} %)")
    return "NEEDS ACTION: " + (f"k below {min_k}" if data["k"] < min_k else
                               f"{measure} above {100 * max_risk:.1f} %")


def _print_treatment(done: dict[str, Any], quasi: list[str], min_k: int,
                     max_risk: float) -> None:
    from pim_workbook.sdc.loss import changed_columns

    print("treatment:")
    for sentence in done["steps"]:
        print(f"  - {sentence}")
    if done["suppressions_total"]:
        print(f"suppressed {done['suppressions_total']} values in "
              f"{done['records_suppressed']} records: " + ", ".join(
                  f"{c} {n}" for c, n in done["suppressions"].items() if n))
    print("information loss (the columns the treatment changed):")
    print(f"{'column':<20} {'suppressed':>10} {'recoded':>8} {'perturbed':>9} "
          f"{'categories before → after':>26}")
    for column, loss in changed_columns(done["information_loss"]).items():
        print(f"{column:<20} {loss['suppressed']:>10} {loss['recoded']:>8} "
              f"{loss['perturbed']:>9} {loss['categories_before']:>17} → "
              f"{loss['categories_after']}")
    print(f"records dropped: {done['information_loss']['records_dropped']}")
    tabulation = done["information_loss"]["tabulation"]
    if tabulation:
        change = tabulation["largest_relative_change"]
        print(f"tabulation {' × '.join(tabulation['columns'])}: largest relative change "
              + ("-" if change is None else f"{100 * change:.1f} %"))
    print("after the treatment:")
    _print_figures(done["after"], quasi)
    print(_verdict(done["after"], min_k, max_risk))


def cmd_risk(args: argparse.Namespace) -> None:
    import json

    from pim_workbook.store.settings import thresholds

    store = _store(args) if args.assessment else None
    if store is not None:
        store.get(args.assessment)  # an unknown assessment fails before the file is read
    default_k, default_risk = thresholds(store)
    min_k = default_k if args.min_k is None else args.min_k
    max_risk = default_risk if args.max_risk is None else args.max_risk
    try:
        work = _risk_workspace(args, min_k, max_risk)
        data = work.before()
        done = _treatment_figures(work) if work.steps else None
    except ValueError as exc:  # a column the file does not have, say
        raise ValueError(f"{args.file}: {exc}") from None
    if args.out:
        if done is None:
            raise ValueError("--out writes the treated table: add a treatment "
                               "(--suppress-to-k, --pram or --recipe)")
        work.treated()[0].to_csv(args.out, index=False, lineterminator="\n")
    if args.save_recipe:
        from pim_workbook.sdc.recipe import save_recipe

        save_recipe(work.recipe(), args.save_recipe)
    subsets = []
    if args.by_combination:
        from pim_workbook.sdc.risk import measure_by_subset

        subsets = measure_by_subset(work.table, work.quasi, sensitive=work.sensitive,
                                    weight=work.weight, min_k=min_k, max_risk=max_risk)
    if store is not None:
        from pim_workbook.evidence import pick_dataset, record_check
        from pim_workbook.sdc.workspace import evidence

        actor = _actor(args)
        dsid = pick_dataset(store, args.assessment, args.dataset, Path(args.file).stem,
                            actor=actor)
        record_check(store, args.assessment, dsid,
                     evidence(data, file=args.file, quasi=work.quasi, sensitive=work.sensitive,
                              weight=work.weight, actor=actor), actor=actor)
    if args.json:
        if subsets:
            data["by_combination"] = [{"quasi": cols, **r.to_dict()} for cols, r in subsets]
        if done is not None:
            data.update(done)
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_figures(data, work.quasi)
        if subsets:
            print(f"{'k':>6} {'uniques':>8} {'in groups < 3':>14} {'global risk':>12}  "
                  "combination of quasi-identifiers")
            for cols, r in subsets:
                print(f"{r.k:>6} {r.sample_uniques:>8} {r.below_k['3']:>14} "
                      f"{r.global_risk:>12.2%}  {', '.join(cols)}")
        print(_verdict(data, min_k, max_risk))
        if done is not None:
            _print_treatment(done, work.chosen_in(work.treated()[0])[0], min_k, max_risk)
    if args.out:
        print(f"treated table written to {args.out}", file=sys.stderr if args.json else sys.stdout)
    if args.save_recipe:
        print(f"recipe written to {args.save_recipe}",
              file=sys.stderr if args.json else sys.stdout)
    if store is not None:
        print(f"recorded as evidence in {args.assessment}, dataset {dsid}",
              file=sys.stderr if args.json else sys.stdout)


def cmd_settings(args: argparse.Namespace) -> None:
    from pim_workbook.store.settings import set_thresholds, thresholds

    store = _store(args)
    set_thresholds(store, args.risk_min_k, args.risk_max_risk)
    min_k, max_risk = thresholds(store)
    print(f"risk target k: {min_k}\nrisk threshold (global risk): {max_risk:g} "
          f"({100 * max_risk:.1f} %)")


def cmd_register(args: argparse.Namespace) -> None:
    from pim_workbook.outputs.filenames import default_exports_dir
    from pim_workbook.outputs.register import check_file, write_register

    store = _store(args)
    out = Path(args.out).expanduser().resolve() if args.out else default_exports_dir()
    for path in write_register(store, args.id, out):
        print(path)
        for problem in check_file(path):
            print(f"  {problem}")


def cmd_invite(args: argparse.Namespace) -> None:
    from pim_workbook.access import create_invite, invitation_link

    expires = _date(args.expires, "--expires")
    store = _store(args)
    if args.facilitator:
        if args.id or args.party or args.read_only:
            raise ValueError("a facilitator link opens every assessment: give no ID, "
                             "--party or --read-only")
        invite, key = create_invite(store, role="facilitator", actor=_actor(args),
                                    expires=expires)
    else:
        if not args.id:
            raise ValueError("name the assessment: pim-workbook invite ID --party NAME")
        if not args.party and not args.read_only:
            raise ValueError("name the party (--party NAME), or give --read-only for an "
                             "observer")
        role: Role = "observer" if args.read_only else "party"
        invite, key = create_invite(store, role=role, actor=_actor(args),
                                    assessment_id=args.id, party=args.party, expires=expires)
    who: str = invite.role
    if invite.party and invite.assessment_id:
        org = store.get(invite.assessment_id).parties[invite.party].organisation
        who = f"{'party' if invite.role == 'party' else 'observer'} {invite.party} · {org}"
    print(f"link {invite.id} for {who}"
          + (f" of {invite.assessment_id}" if invite.assessment_id else "")
          + (f", until {invite.expires_on}" if invite.expires_on else ""), file=sys.stderr)
    print(invitation_link(store, key, base=args.url, assessment=invite.assessment_id,
                          page="01-start.ipynb" if invite.assessment_id else "index.ipynb",
                          lang=args.lang))


def cmd_invites(args: argparse.Namespace) -> None:
    from pim_workbook.access import invites

    store = _store(args)
    rows = invites(store, args.id)
    if not rows:
        print("no links yet: pim-workbook invite ID --party NAME creates one")
        return
    print(f"{'LINK':<12} {'FOR':<19} {'ROLE':<12} {'PARTY':<6} {'CREATED':<17} "
          f"{'EXPIRES':<11} {'LAST USED':<17} STATE")
    for i in rows:
        scope = i.assessment_id or (f"training {i.training_id}" if i.training_id else "(all)")
        print(f"{i.id:<12} {scope:<19} {i.role:<12} {i.party or '—':<6} "
              f"{i.created_at[:16].replace('T', ' '):<17} {i.expires_on or '—':<11} "
              f"{(i.last_used_at or '—')[:16].replace('T', ' '):<17} {i.state()}")


def cmd_revoke(args: argparse.Namespace) -> None:
    from pim_workbook.access import revoke

    revoke(_store(args), args.link)
    print(f"link {args.link} revoked: it no longer opens or changes anything")


def cmd_training(args: argparse.Namespace) -> None:
    from pim_workbook.access import create_invite, invitation_link
    from pim_workbook.content.exercises import load_exercises
    from pim_workbook.training import sessions as training

    store = _store(args)
    if args.action == "new":
        tid = training.new_training(store, args.arg or "", actor=_actor(args))
        _, key = create_invite(store, role="trainee", actor=_actor(args), training_id=tid)
        print(f"training session {tid}: give this link to the trainees", file=sys.stderr)
        print(invitation_link(store, key, base=args.url, page="09-training.ipynb"))
        return
    if args.action == "list":
        for t in store.trainings():
            print(f"{t.id:<11} {t.created_at[:10]}  {t.trainees:>3} trainees  {t.title}")
        return
    if not args.arg or store.training(args.arg) is None:
        raise ValueError(f"no training session {args.arg!r} (pim-workbook training list)")
    if args.action == "results":
        result = training.results(store, args.arg, load_exercises())
        text = training.results_csv(result)
        if args.csv:
            Path(args.csv).write_text(text, encoding="utf-8")
            print(args.csv)
        else:
            for c in result.competencies:
                shown = f"{c.mean_credit:.0%}" if c.answered else "—"
                print(f"{shown:>5}  {c.answered:>4} answers  {c.title}")
    elif args.action == "purge":
        if args.confirm != args.arg:
            raise ValueError(f"purging deletes the trainees and answers of {args.arg}: "
                             f"repeat its id with --confirm {args.arg}")
        from pim_workbook.training.practice import purge

        print(f"removed {purge(store, args.arg)} trainees with their answers and practice "
              "copies")


def cmd_content(args: argparse.Namespace) -> None:
    from pim_workbook.content.exercises import exercises_data, load_exercises
    from pim_workbook.content.framework import content_data, load_content
    from pim_workbook.content.overlay import check_overlay, load_translation

    languages = [args.lang] if args.lang else ["fr", "es", "ar"]
    for language in languages:
        content = load_content(args.content, language=language)  # the merged file validates
        load_exercises(content=content, language=language)
        for kind, data in (("framework", content_data(args.content)),
                           ("exercises", exercises_data())):
            translation = load_translation(kind, language)
            missing, unknown = check_overlay(data, translation)
            total = len(missing) + len(translation.entries) - len(unknown)
            files = ", ".join(translation.files) or "no translation file"
            print(f"{kind} in {language}: {total - len(missing)} of {total} texts translated "
                  f"({files})")
            for key in missing:
                print(f"  missing (shown in English): {key}")
            for key in unknown:
                print(f"  not in the English file (ignored): {key}")


def cmd_serve(args: argparse.Namespace) -> None:
    from pim_workbook.server.serve import serve_command

    store = _store(args)
    argv, env, url = serve_command(store, host=args.host, port=args.port,
                                   notebooks=args.notebooks, use_token=not args.no_token,
                                   allow_remote=args.allow_remote, content=args.content,
                                   orphan_timeout=args.orphan_timeout,
                                   max_kernels=args.max_kernels, data_dir=args.data_dir,
                                   pool_size=args.pool_size, public_url=args.public_url)
    print(f"Open the workbook at: {url}", flush=True)
    os.execvpe(argv[0], argv, env)


def cmd_proxy_config(args: argparse.Namespace) -> None:
    from pim_workbook.server.proxy import nginx_config

    prefix = Path(args.prefix).expanduser().resolve() if args.prefix else None
    print(nginx_config(args.server, args.listen, prefix), end="")


def cmd_store(args: argparse.Namespace) -> None:
    from pim_workbook.content.framework import load_content
    from pim_workbook.i18n import _, ngettext
    from pim_workbook.store.dialect import masked
    from pim_workbook.store.transfer import copy

    result = copy(args.source, args.dest, load_content(args.content))
    print(_("copied {source} to {dest}:").format(source=masked(args.source),
                                                 dest=masked(args.dest)))
    for table, count in result.rows.items():
        print(f"  {table:<17} {count:>8}")
    print(ngettext("{count} assessment verifies in the copy",
                   "{count} assessments verify in the copy", result.verified)
          .format(count=result.verified))
    for aid in result.unverified:
        print(_("{id} does not verify, as in the source (see pim-workbook verify {id})")
              .format(id=aid))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pim-workbook",
        description="Joint data-sharing assessments under the PIM Framework for Data "
                    "Sharing in Practice.")
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {__version__}")
    parser.add_argument("--db", help="store file, or a postgresql://user@host/database "
                        "address (default: $PIM_WORKBOOK_DB, else "
                        "~/.local/share/pim-workbook/workbook.sqlite)")
    parser.add_argument("--content", help="an adapted framework content file "
                        "(default: $PIM_WORKBOOK_CONTENT, else the packaged framework)")
    parser.add_argument("--actor", help="your name, recorded in the history "
                        "(default: $PIM_WORKBOOK_ACTOR, else your login)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("new", cmd_new, "start a new assessment and print its id")
    p.add_argument("title")
    p.add_argument("--party", action="append", default=[], metavar="ORG:ROLE",
                   help="a party, e.g. 'Helping Hands:provider' (roles: provider, "
                        "recipient, donor, other); repeat for each party")
    p.add_argument("--purpose", help="the defined purpose of the data sharing")

    p = add("list", cmd_list, "list assessments with their id and status")
    p.add_argument("--status", choices=get_args(AssessmentStatus))
    p.add_argument("--party", help="only assessments with a party whose name contains this")

    p = add("show", cmd_show, "show an assessment's parties, progress and open questions")
    p.add_argument("id")

    p = add("export", cmd_export, "write an assessment as JSON, HTML, Markdown or CSV")
    p.add_argument("id")
    p.add_argument("--format", default="all", choices=["json", "html", "md", "csv", "all"])
    p.add_argument("--out", help="folder to write to (default: $PIM_WORKBOOK_EXPORTS, "
                   "else ./exports)")

    p = add("import", cmd_import, "load an assessment from its JSON export")
    p.add_argument("file")
    p.add_argument("--replace", action="store_true",
                   help="overwrite an assessment with the same id (its history goes too)")
    p.add_argument("--unverified", action="store_true",
                   help="import a file whose history chain or seals do not verify, marked "
                   "as imported, not verified")

    p = add("verify", cmd_verify, "check an assessment's history chain and seals "
            "(exit 1 if they do not verify)")
    p.add_argument("id")

    p = add("trust", cmd_trust, "take seals by another store's key as known, once you have "
            "compared its fingerprint with the one that store shows; without one, show this "
            "store's fingerprint and those it trusts")
    p.add_argument("fingerprint", nargs="*", help="16 hex digits, spaced or not")

    add("schema", cmd_schema, "print the JSON Schema of the JSON export")

    p = add("sample", cmd_sample, "load the built-in sample assessment (id: sample)")
    p.add_argument("--replace", action="store_true", help="delete and rebuild it if loaded")

    p = add("backup", cmd_backup, "copy the whole store to a file, safely while in use")
    p.add_argument("dest")

    p = add("archive", cmd_archive, "archive an assessment (or restore it with --undo)")
    p.add_argument("id")
    p.add_argument("--undo", action="store_true")

    p = add("delete", cmd_delete, "delete an assessment with its history (asks to confirm)")
    p.add_argument("id")
    p.add_argument("--confirm", metavar="ID", help="the id again, to confirm without a prompt")

    def report_options(p: argparse.ArgumentParser) -> None:
        from pim_workbook.outputs.context import HISTORY, PAPERS

        p.add_argument("--format", default="html,pdf,docx",
                       help="comma-separated: html, pdf, docx (default: all three)")
        p.add_argument("--out", help="folder to write to (default: $PIM_WORKBOOK_EXPORTS, "
                       "else ./exports); executed notebooks go to its audit/ folder")
        p.add_argument("--history", choices=HISTORY, default="summary",
                       help="the changes by section (default), that and every change as an "
                       "annex (full), or none")
        p.add_argument("--paper", choices=tuple(PAPERS), default="a4",
                       help="the paper the PDF and Word files are laid out on (default a4)")
        p.add_argument("--lang", choices=LANGUAGE_CODES, default="en",
                       help="the report's language (default en); exports, ids and CSV "
                       "headers stay English")

    p = add("report", cmd_report, "the report of one assessment as HTML, PDF and Word")
    p.add_argument("id")
    p.add_argument("--revision", type=int, default=0,
                   help="a signed revision number (default: the current record)")
    report_options(p)

    p = add("batch", cmd_batch, "reports for all assessments, or those matching a filter")
    p.add_argument("--party", help="only assessments with a party whose name contains this")
    p.add_argument("--status", choices=get_args(AssessmentStatus))
    p.add_argument("--review-due", metavar="YYYY-MM-DD",
                   help="only assessments whose next review is due by this date")
    p.add_argument("--jobs", type=_at_least_one, default=1,
                   help="reports made at once (default 1)")
    p.add_argument("--kernel-per-report", action="store_true",
                   help="start a new kernel for every report, not one per job (slower; "
                   "each report's executed notebook is kept either way)")
    report_options(p)

    p = add("risk", cmd_risk, "disclosure risk of a microdata file (k-anonymity, "
            "re-identification risk, l-diversity), as sdcMicro's measure_risk")
    p.add_argument("file", help="a CSV or Excel file")
    p.add_argument("--quasi", metavar="COL[,COL...]",
                   help="quasi-identifier columns (e.g. location, age group, sex)")
    p.add_argument("--sensitive", metavar="COL[,COL...]", help="sensitive columns")
    p.add_argument("--weight", metavar="COL", help="sampling-weight column")
    p.add_argument("--household", metavar="COL",
                   help="household-id column: also the household risk, as sdcMicro's "
                   "measure_risk(hid=) (knowing one member identifies the household); the "
                   "verdict then weighs the household risk")
    p.add_argument("--na-values", metavar="V[,V...]",
                   help="values read as missing besides empty fields (by default NA, n/a "
                   "and None are categories)")
    p.add_argument("--min-k", type=_at_least_one,
                   help="target k (default: the workbook's setting, else 3)")
    p.add_argument("--max-risk", type=_fraction,
                   help="global-risk threshold as a fraction (default: the setting, else 0.03)")
    treat = p.add_mutually_exclusive_group()
    treat.add_argument("--suppress-to-k", type=_at_least_one, metavar="K",
                       help="local suppression: set as few quasi-identifier values to missing "
                       "as reach k-anonymity for K (a missing value matches any value)")
    treat.add_argument("--suppress-to-risk", type=_fraction, metavar="R",
                       help="local suppression to the target k, then on until the global risk "
                       "is at most R")
    p.add_argument("--keep", metavar="COL[,COL...]",
                   help="importance order for local suppression: the quasi-identifiers from the "
                   "one to keep longest to the one to suppress first (default: fewest "
                   "categories kept longest, as sdcMicro)")
    p.add_argument("--strata", metavar="COL", help="reach k within each value of COL")
    p.add_argument("--keep-households", action="store_true",
                   help="suppress a household's members consistently (needs --household)")
    p.add_argument("--pram", metavar="COL[,COL...]",
                   help="post-randomise these categorical columns (invariant PRAM)")
    p.add_argument("--pram-pd", type=_fraction, default=0.8, metavar="P",
                   help="PRAM: the smallest probability that a value stays (default 0.8)")
    p.add_argument("--pram-alpha", type=_fraction, default=0.5, metavar="A",
                   help="PRAM: how far the invariant matrix is applied (default 0.5)")
    p.add_argument("--seed", type=int, metavar="N",
                   help="PRAM's random seed (default: a new one, written in the recipe)")
    p.add_argument("--tabulate", metavar="COL[,COL...]",
                   help="a tabulation to compare before and after the treatment")
    p.add_argument("--out", metavar="TREATED.csv", help="write the treated table")
    recipe = p.add_mutually_exclusive_group()
    recipe.add_argument("--recipe", metavar="R.json",
                        help="replay a saved treatment recipe on this file")
    recipe.add_argument("--save-recipe", metavar="R.json",
                        help="write the treatment as a recipe to replay on the next delivery")
    p.add_argument("--assessment", metavar="ID",
                   help="attach the result to this assessment's register as evidence")
    p.add_argument("--dataset", metavar="DS",
                   help="the register entry to attach it to (default: the only one, "
                   "else a new one named after the file)")
    p.add_argument("--by-combination", action="store_true",
                   help="also measure every combination of the quasi-identifiers (singles, "
                   "pairs, …), to see which drive the risk")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = add("proxy-config", cmd_proxy_config, "an nginx configuration that puts several "
            "workbook servers (sharing a PostgreSQL store) behind one address, each browser "
            "pinned to one server by a cookie")
    p.add_argument("--server", action="append", required=True, metavar="HOST:PORT",
                   help="a workbook server (give one --server per server)")
    p.add_argument("--listen", default="8080", metavar="[HOST:]PORT",
                   help="where the proxy listens (default 8080; TLS: see the README)")
    p.add_argument("--prefix", metavar="DIR",
                   help="keep nginx's pid, logs and temporary files in DIR (to run it "
                   "with nginx -p DIR -c DIR/nginx.conf, beside the system's nginx)")

    p = add("settings", cmd_settings, "show or change the risk-check thresholds")
    p.add_argument("--risk-min-k", type=_at_least_one, metavar="K",
                   help="target k (default 3)")
    p.add_argument("--risk-max-risk", type=_fraction, metavar="FRACTION",
                   help="global-risk threshold, e.g. 0.03 for 3 %%")

    p = add("register", cmd_register, "write the data-sharing register as HXL CSV and "
            "JSON, and each dataset's datapackage.json, and check them")
    p.add_argument("id")
    p.add_argument("--out", help="folder to write to (default: $PIM_WORKBOOK_EXPORTS, "
                   "else ./exports)")

    p = add("invite", cmd_invite, "create a personal link to one assessment for one party "
            "(or a read-only one), and print it")
    p.add_argument("id", nargs="?", help="the assessment")
    p.add_argument("--party", help="the party: its id (A, B, …) or organisation name")
    p.add_argument("--read-only", action="store_true", help="an observer's link (a donor, "
                   "say): it can change nothing")
    p.add_argument("--facilitator", action="store_true",
                   help="a facilitator's link to every assessment (no ID)")
    p.add_argument("--expires", metavar="YYYY-MM-DD", help="last day the link works")
    p.add_argument("--url", metavar="BASE", help="the server's address as partners reach it "
                   "(default: the one the last `serve` printed)")
    p.add_argument("--lang", choices=LANGUAGE_CODES,
                   help="the language the link's pages open in (default en; each page "
                   "has a switch)")

    p = add("invites", cmd_invites, "list the links of an assessment (or all links)")
    p.add_argument("id", nargs="?")

    p = add("revoke", cmd_revoke, "end a link at once")
    p.add_argument("link", help="the link id, as `invites` lists it")

    p = add("training", cmd_training, "training sessions: new TITLE (prints the trainees' "
            "link), list, results ID [--csv FILE], purge ID --confirm ID")
    p.add_argument("action", choices=["new", "list", "results", "purge"])
    p.add_argument("arg", nargs="?", help="the title (new) or the session id")
    p.add_argument("--csv", metavar="FILE", help="results: write them as CSV")
    p.add_argument("--confirm", metavar="ID", help="purge: the session id again")
    p.add_argument("--url", metavar="BASE", help="new: the server's address for the link")

    p = add("content", cmd_content, "check the content's translations: list what each "
            "overlay lacks (shown in English) and what it has that the English file does not")
    p.add_argument("action", choices=["check"])
    p.add_argument("--lang", choices=LANGUAGE_CODES[1:], help="one language (default: all)")

    p = add("store", cmd_store, "copy a whole store into a new one, between store files and "
            "PostgreSQL databases either way (store copy FROM TO), and check the copy")
    p.add_argument("action", choices=["copy"])
    p.add_argument("source", metavar="FROM",
                   help="the store to copy: a store file or a postgresql:// address")
    p.add_argument("dest", metavar="TO", help="the new store: a file, made now, or an empty "
                   "PostgreSQL database")

    p = add("serve", cmd_serve, "serve the workbook notebooks with Voila and print the URL")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--notebooks", help="folder of notebooks (default: the workbook's own)")
    p.add_argument("--no-token", action="store_true",
                   help="serve without Voila's token (only on a machine you alone use)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow a non-loopback --host")
    p.add_argument("--orphan-timeout", type=float, metavar="SECONDS",
                   help="end a page's kernel this long after its tab was closed, or after "
                        "a page stopped loading (default 120)")
    p.add_argument("--max-kernels", type=int, metavar="N",
                   help="open pages at most, preheated kernels included; past it a new page "
                        "says the server is busy (default 40)")
    p.add_argument("--pool-size", type=int, metavar="N",
                   help="kernels kept preheated for each notebook, so that pages open at "
                        "once (default 1; 0: none; about 95 MB each)")
    p.add_argument("--public-url", metavar="URL",
                   help="the one address partners reach (a proxy in front of several servers "
                   "sharing a PostgreSQL store); invite writes it into links")
    p.add_argument("--data-dir", metavar="DIR",
                   help="the folder of tables the facilitator may check for disclosure risk "
                        "on the server (default: $PIM_WORKBOOK_DATA_DIR; without it, "
                        "pages take uploads only)")
    return parser


def _where(path: str | os.PathLike[str], args: argparse.Namespace) -> str:
    """The option (with its value) a failing path came from, else the path itself; a
    store address without its password."""
    from pim_workbook.store.dialect import masked

    failing = os.path.abspath(path)
    for name, option in PATH_ARGUMENTS.items():
        value = getattr(args, name, None)
        if isinstance(value, str) and value:
            given = os.path.abspath(os.path.expanduser(value))
            if failing == given or os.sep in (failing.removeprefix(given)[:1],
                                              given.removeprefix(failing)[:1]):
                return f"{option} {masked(value)}".strip()
    return masked(path)


def _driver_errors() -> tuple[type[Exception], ...]:
    """The store databases' own errors (psycopg's once a PostgreSQL store was opened)."""
    from pim_workbook.store.dialect import driver_errors

    return driver_errors()


def _store_where(args: argparse.Namespace) -> str:
    """The store a database's error is about, as the command was given it."""
    from pim_workbook.store.connection import default_db_path
    from pim_workbook.store.dialect import masked

    if args.command == "store":
        return f"store {args.action} {masked(args.source)} {masked(args.dest)}"
    return _where(args.db, args) if args.db else masked(default_db_path())


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EEXIST:  # making a folder where a file is
        return "exists and is not a folder"
    if exc.errno == errno.ENOTDIR:
        return "a part of this path is a file, not a folder"
    if exc.errno == errno.EISDIR:
        return "is a folder: give a file name"
    if exc.errno == errno.ENOENT and exc.filename is not None \
            and not Path(exc.filename).parent.is_dir():
        return f"the folder {Path(exc.filename).parent} does not exist"
    return exc.strerror or str(exc)


def error_line(exc: BaseException, args: argparse.Namespace) -> str:
    """An expected error as one line naming the option or file it is about."""
    if isinstance(exc, OSError):
        text = (f"{_where(exc.filename, args)}: {_reason(exc)}" if exc.filename is not None
                else _reason(exc))
    elif isinstance(exc, _driver_errors()):
        text = f"{_store_where(args)}: {exc}"
    else:
        text = str(exc)
    first, *rest = [line.strip() for line in text.splitlines() if line.strip()] or [
        type(exc).__name__]
    return f"pim-workbook: {first.rstrip(':')}: {'; '.join(rest)}" if rest else \
        f"pim-workbook: {first}"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not isinstance(exc, (WorkbookError, OSError, ValueError, *_driver_errors())):
            raise
        print(error_line(exc, args), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
