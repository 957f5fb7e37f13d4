"""The command line (docs/commands.md): a thin layer that reads arguments and calls the engine.

Headless commands never import textual, so they start fast; only opening the stepper does.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from stepper import __version__
from stepper.errors import StepperError

if TYPE_CHECKING:
    from stepper.engine.divergence import Divergence
    from stepper.engine.network import Network

COMMANDS = ("trace", "train", "diagnose", "map", "gradcheck", "compare", "examples", "serve")

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2

OPEN_USAGE = "stepper [NETWORK] [--lr X] [--init SCHEME] [--seed N] [--compare MINE]"


def _count(text: str) -> int:
    # ASCII digits only: int() would also take "1_000", " 12 " and digits of other scripts ("١٢").
    digits = text[1:] if text.startswith("-") else text
    if not re.fullmatch(r"[0-9]+", digits, flags=re.ASCII):
        raise argparse.ArgumentTypeError(f"expected a whole number (digits 0-9 only), got {text!r}")
    if text.startswith("-"):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text}")
    if len(digits) > 20:
        raise argparse.ArgumentTypeError(f"expected a whole number of at most 20 digits, got {len(digits)}")
    return int(digits)


def _iterations(text: str) -> int:
    from stepper.limits import MAX_ITERATIONS

    value = _count(text)
    if value > MAX_ITERATIONS:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_ITERATIONS:,} iterations, got {value:,}")
    return value


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = _finite_float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _non_negative_float(text: str) -> float:
    value = _finite_float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text}")
    return value


def _resolution(text: str) -> int:
    from stepper.engine.decision_map import MAX_RESOLUTION

    # One message for every bad value (not _count's ">= 0" for a negative one).
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 2 <= value <= MAX_RESOLUTION:
        raise argparse.ArgumentTypeError(f"expected a whole number 2..{MAX_RESOLUTION}, got {text}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 1..65535, got {value}")
    return value


# The optimizer's hyper-parameters on the command line, as [optimizer] keys with dashes.
HYPER_FLAGS = (
    ("momentum", "momentum μ"),
    ("alpha", "rmsprop's α"),
    ("beta1", "adam's β1"),
    ("beta2", "adam's β2"),
    ("eps", "ε of rmsprop and adam"),
    ("weight-decay", "weight decay λ"),
)


def _hyper(args: argparse.Namespace) -> tuple[tuple[str, float], ...]:
    out = []
    for flag, _ in HYPER_FLAGS:
        key = flag.replace("-", "_")
        if getattr(args, key, None) is not None:
            out.append((key, getattr(args, key)))
    return tuple(out)


def _positive_int(text: str) -> int:
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


MIN_TAB_MEMORY = 320  # MiB: a tab's Python, numpy and Textual take ~250 MiB of address space to start


def _tab_memory(text: str) -> int:
    value = _count(text)
    if value < MIN_TAB_MEMORY:
        raise argparse.ArgumentTypeError(
            f"expected at least {MIN_TAB_MEMORY} MiB (a tab needs about 250 to start), got {value}"
        )
    return value


def _size(text: str) -> tuple[int, int]:
    columns, _, rows = text.lower().partition("x")
    try:
        size = (int(columns), int(rows))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected COLUMNSxROWS, e.g. 200x60, got {text!r}") from None
    if size[0] < 20 or size[1] < 10:
        raise argparse.ArgumentTypeError(f"expected at least 20x10, got {text}")
    return size


def _network_args(p: argparse.ArgumentParser) -> None:
    from stepper.engine.init import SCHEMES

    p.add_argument(
        "network",
        nargs="?",
        metavar="NETWORK",
        help="a network file (.toml) or a built-in example name (default: identical-columns)",
    )
    p.add_argument("--lr", type=_positive_float, metavar="X", help="learning rate η, overriding the file")
    p.add_argument(
        "--init",
        choices=SCHEMES,
        metavar="SCHEME",
        help=f"initialise the weights with this scheme ({', '.join(SCHEMES)})",
    )
    p.add_argument("--seed", type=_count, metavar="N", help="seed for the random init schemes")
    from stepper.engine.optimizers import OPTIMIZERS

    p.add_argument(
        "--optimizer",
        choices=OPTIMIZERS,
        metavar="NAME",
        help=f"the optimizer, overriding [optimizer] name ({', '.join(OPTIMIZERS)})",
    )
    p.add_argument(
        "--batch-size",
        type=_count,
        metavar="B",
        help="observations per update (0: all), overriding [training]",
    )
    for flag, what in HYPER_FLAGS:
        p.add_argument(f"--{flag}", type=_finite_float, metavar="X", help=f"{what}, overriding [optimizer]")


def _format_arg(p: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    p.add_argument("--format", choices=formats, default="text", help="output format (default: text)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stepper",
        usage=f"{OPEN_USAGE}\n       stepper COMMAND [NETWORK] [options]",
        description="Step through a small neural network — forward pass, backward pass, each weight "
        "update — number by number. With no command, opens the stepper on NETWORK.",
        epilog="Run `stepper COMMAND --help` for a command's options. The reference (network files, "
        "commands, JSON schemas, notation) is in stepper's docs/ folder: docs/README.md.",
    )
    parser.add_argument("--version", action="version", version=f"stepper {__version__}")
    # prog: subcommands say "stepper trace: error: …", not the two-line usage above.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog="stepper")

    # `stepper [NETWORK]` runs "open", which is no command a user types: its errors say "stepper".
    p = sub.add_parser("open", help=argparse.SUPPRESS, prog="stepper", usage=OPEN_USAGE)
    _network_args(p)
    p.add_argument(
        "--compare", metavar="MINE", help="mark every cell where your own numbers (JSON or .npz) differ"
    )

    p = sub.add_parser("trace", help="every number of every step of K iterations")
    _network_args(p)
    p.add_argument("--iterations", type=_iterations, default=1, metavar="K", help="iterations (default 1)")
    _format_arg(p, ("text", "json", "markdown", "latex"))
    p.add_argument(
        "--quiz",
        action="store_true",
        help="markdown or latex: an exercise, every result left blank, with an answer key at the end",
    )

    p = sub.add_parser("train", help="run K iterations; the cost curve, outputs and final weights")
    _network_args(p)
    p.add_argument(
        "--iterations", type=_iterations, default=1000, metavar="K", help="iterations (default 1000)"
    )
    _format_arg(p, ("text", "json"))

    p = sub.add_parser("diagnose", help="clones, dead and saturated units, gradient norms, divergence")
    _network_args(p)
    p.add_argument(
        "--iterations",
        type=_iterations,
        default=0,
        metavar="K",
        help="diagnose after K iterations (default 0)",
    )
    _format_arg(p, ("text", "json"))

    p = sub.add_parser("map", help="decision map: the outputs over the input plane (2-input networks)")
    _network_args(p)
    p.add_argument(
        "--iterations",
        type=_iterations,
        default=0,
        metavar="K",
        help="the weights after K iterations (default 0)",
    )
    p.add_argument(
        "--resolution",
        type=_resolution,
        default=41,
        metavar="R",
        help="grid points per axis, 2..1001 (default 41)",
    )
    _format_arg(p, ("text", "json"))

    p = sub.add_parser("compare", help="check your own numbers: the first quantity and cell that differ")
    p.add_argument(
        "mine", metavar="MINE", help="your numbers: trace-schema JSON, or .npz with arrays a1, delta3, ..."
    )
    _network_args(p)
    p.add_argument(
        "--rtol", type=_non_negative_float, default=1e-5, metavar="R", help="relative tolerance (1e-5)"
    )
    p.add_argument(
        "--atol", type=_non_negative_float, default=1e-8, metavar="A", help="absolute tolerance (1e-8)"
    )
    _format_arg(p, ("text", "json"))

    p = sub.add_parser("gradcheck", help="check backprop against finite differences")
    _network_args(p)
    _format_arg(p, ("text", "json"))

    p = sub.add_parser("serve", help="serve the stepper in a web browser (textual-serve)")
    _network_args(p)
    p.add_argument(
        "--host", default="127.0.0.1", metavar="H", help="address to listen on (default 127.0.0.1)"
    )
    p.add_argument("--port", type=_port, default=8000, metavar="P", help="port (default 8000)")
    p.add_argument(
        "--token",
        metavar="T",
        help="the secret every request must carry (default: $STEPPER_TOKEN, else a new random one)",
    )
    p.add_argument(
        "--root",
        metavar="DIR",
        help="a folder whose network files the open dialog offers (default: built-in examples only)",
    )
    p.add_argument("--max-tabs", type=_positive_int, default=8, metavar="N", help="tabs at once (8)")
    p.add_argument(
        "--max-size", type=_size, default=(400, 150), metavar="COLSxROWS", help="terminal size cap (400x150)"
    )
    p.add_argument(
        "--memory", type=_tab_memory, default=1024, metavar="MIB", help="memory per tab, in MiB (1024)"
    )
    p.add_argument(
        "--idle", type=_positive_float, default=30.0, metavar="MIN", help="close a tab idle this long (30)"
    )

    sub.add_parser("examples", help="list the built-in networks")
    # "open" is what `stepper [NETWORK]` runs; it is not a command to list.
    sub._choices_actions = [a for a in sub._choices_actions if a.dest != "open"]
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = build_parser()
    args = list(argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help", "--version")):
        args = ["open", *args]
    parsed, unknown = parser.parse_known_args(args)
    if unknown:
        # Said by the command's own parser, so the message shows its usage and name, not the top level's.
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        message = f"unrecognized arguments: {' '.join(unknown)}"
        formats = {"--json": "json", "--markdown": "markdown", "--latex": "latex", "--text": "text"}
        command = sub.choices[parsed.command]
        choices = next((a.choices or () for a in command._actions if a.dest == "format"), ())
        said = next((formats[a] for a in unknown if a in formats and formats[a] in choices), None)
        if said is not None:  # the usual spelling elsewhere
            message += f" (did you mean --format {said}?)"
        command.error(message)
    return parsed


def _load(args: argparse.Namespace) -> Network:
    from stepper.netfile import Overrides, load_network

    overrides = Overrides(
        learning_rate=args.lr,
        init=args.init,
        seed=args.seed,
        optimizer=args.optimizer,
        batch_size=args.batch_size,
        hyper=_hyper(args),
    )
    notes: list[str] = []
    net = load_network(args.network, overrides, notes)
    if args.seed is not None and net.init.scheme == "constant":
        notes.append("--seed has no effect with the constant init scheme")
    for note in notes:
        say(f"stepper: note: {note}")
    return net


def cmd_examples(args: argparse.Namespace) -> int:
    import textwrap

    from stepper.netfile import DEFAULT_EXAMPLE, example_names, load_network

    nets = {name: load_network(name) for name in example_names()}
    width = max(len(n) for n in nets)
    shape_width = max(len(net.shape_label()) for net in nets.values())
    for name, net in nets.items():
        mark = " (the default)" if name == DEFAULT_EXAMPLE else ""
        head = f"{name.ljust(width)}  {net.shape_label():<{shape_width}}  "
        print(
            textwrap.fill(
                net.description + mark, width=80, initial_indent=head, subsequent_indent=" " * len(head)
            )
        )
    print("\nOpen one with `stepper NAME`; trace one with `stepper trace NAME`.")
    return EXIT_OK


# Markdown and LaTeX traces are documents laid out whole (~0.1 MB per iteration of the seed network).
MAX_DOCUMENT_ITERATIONS = 1000


def cmd_trace(args: argparse.Namespace) -> int:
    from stepper.engine.divergence import find_divergence
    from stepper.engine.history import WeightHistory
    from stepper.engine.iteration import IterationValues, run_iteration
    from stepper.engine.optimizers import OptimizerState
    from stepper.engine.steps import build_steps

    if args.quiz and args.format not in ("markdown", "latex"):
        raise StepperError(f"--quiz needs --format markdown or latex, not --format {args.format}")
    if args.format in ("markdown", "latex") and args.iterations > MAX_DOCUMENT_ITERATIONS:
        # These are laid out whole (a document to read or print): bounded, where text and JSON stream.
        raise StepperError(
            f"--format {args.format} lays the trace out whole: at most {MAX_DOCUMENT_ITERATIONS:,} "
            f"iterations, not {args.iterations:,} (text and json are written as they are computed)"
        )
    net = _load(args)
    steps = build_steps(net)
    found: list[Divergence] = []

    def iterations() -> Iterator[tuple[IterationValues, Divergence | None]]:
        """Each iteration with its divergence (None, or where it diverged: then the last)."""
        history = WeightHistory(net)  # only for its batch schedule: each iteration runs once here
        weights, state = net.weights, OptimizerState()
        for k in range(1, args.iterations + 1):
            values = run_iteration(net, weights, state, history.batch(k))
            diverged = find_divergence(values, steps, k)
            yield values, diverged
            if diverged is not None:
                found.append(diverged)
                return
            weights, state = values.weights_after, values.state_after

    # JSON and text are written an iteration at a time, as they are computed: memory stays that of
    # one iteration however many are asked for.
    if args.format == "json":
        from stepper.exports.json_out import trace_json_chunks

        _write_chunks(trace_json_chunks(net, iterations()))
    elif args.format == "text":
        from stepper.exports.text import trace_text_chunks

        _write_chunks(trace_text_chunks(net, iterations(), steps))
    else:
        from stepper.exports.share import render_trace

        values = [v for v, _ in iterations()]
        diverged = found[0] if found else None
        _write(
            args,
            dict,
            lambda: render_trace(args.format, net, values, steps, diverged=diverged, quiz=args.quiz),
        )
    return _divergence_status(found[0] if found else None)


def _write_chunks(chunks: Iterable[str]) -> None:
    """Output written as it is made, piece by piece: :func:`_write` for a long stream (one newline
    at the end likewise)."""
    write, last = sys.stdout.write, ""
    for chunk in chunks:
        if chunk:
            write(chunk)
            last = chunk
    if not last.endswith("\n"):
        write("\n")


def _write(args: argparse.Namespace, document: Callable[[], Any], text: Callable[[], str]) -> None:
    """The command's output on stdout: the JSON document with --format json, else its text (or
    the Markdown or LaTeX that --format asked for), one newline at the end either way."""
    if args.format == "json":
        from stepper.exports.json_out import dumps

        out = dumps(document())
    else:
        out = text()
    sys.stdout.write(out if out.endswith("\n") else out + "\n")


def _divergence_status(diverged: Divergence | None) -> int:
    """Exit 1 with the divergence line (docs/json.md) on stderr when training diverged (the report was
    printed anyway), else 0."""
    if diverged is not None:
        say(f"stepper: {diverged.message()}")
        say(f"stepper: {diverged.hint}")
        return EXIT_CHECK_FAILED
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from stepper.engine.training import train

    net = _load(args)
    k = args.iterations
    if sys.stderr.isatty() and k >= 2000:
        from stepper.progress import train_with_progress

        result = train_with_progress(net, k)
    else:
        result = train(net, k)
    from stepper.exports.json_out import train_json
    from stepper.exports.train_text import train_text

    _write(args, lambda: train_json(net, result), lambda: train_text(net, result))
    return _divergence_status(result.diverged)


def cmd_diagnose(args: argparse.Namespace) -> int:
    from stepper.engine.diagnose import diagnose
    from stepper.engine.iteration import run_iteration
    from stepper.engine.training import train

    net = _load(args)
    result = train(net, args.iterations)
    import numpy as np

    done = result.completed  # fewer than asked if training diverged: the weights it started from
    finite_costs = [c for c in result.costs[:done] if c is not None]
    with np.errstate(all="ignore"):  # a diverged run's inf and NaN are reported, not warned about
        report = diagnose(net, run_iteration(net, result.weights), done, finite_costs)
    from stepper.exports.diagnose_out import diagnose_json, diagnose_text
    from stepper.exports.json_out import diverged_json

    _write(
        args,
        lambda: {**diagnose_json(report), "diverged": diverged_json(report.diverged)},
        lambda: diagnose_text(net, report),
    )
    # The diagnosed iteration is the one after the last completed: with K = 0 it is iteration 1,
    # and where training diverged it is the diverged one (report.diverged == result.diverged).
    return _divergence_status(report.diverged)


def cmd_map(args: argparse.Namespace) -> int:
    from stepper.engine.decision_map import check_two_inputs, decision_map
    from stepper.engine.training import train

    net = _load(args)
    check_two_inputs(net, args.network or "example identical-columns")  # before any training
    result = train(net, args.iterations)
    # Diverged in iteration k: the map of the weights it started from (the last finite ones).
    done = result.completed
    dmap = decision_map(net, result.weights, args.resolution)
    from stepper.exports.json_out import diverged_json
    from stepper.exports.map_text import map_json, map_text

    def document() -> dict[str, Any]:
        out = map_json(net, dmap, done)
        if result.diverged is not None:  # docs/json.md: absent otherwise
            out["diverged"] = diverged_json(result.diverged)
        return out

    # On a terminal, the map fits its width; into a file or a pipe, as it always is.
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    _write(args, document, lambda: map_text(net, dmap, done, width))
    return _divergence_status(result.diverged)


def cmd_compare(args: argparse.Namespace) -> int:
    from stepper.engine.compare import compare
    from stepper.minefile import load_mine_for

    net = _load(args)
    mine = load_mine_for(net, args.mine)
    import numpy as np

    with np.errstate(all="ignore"):  # inf and NaN are numbers to compare here, not warnings
        result = compare(net, mine, rtol=args.rtol, atol=args.atol)
    from stepper.exports.compare_out import compare_json, compare_text

    _write(
        args, lambda: compare_json(result), lambda: compare_text(net, result, args.mine, args.rtol, args.atol)
    )
    return EXIT_OK if result.match else EXIT_CHECK_FAILED


def cmd_gradcheck(args: argparse.Namespace) -> int:
    from stepper.engine.gradcheck import gradcheck

    net = _load(args)
    check = gradcheck(net)
    from stepper.exports.gradcheck_text import gradcheck_text
    from stepper.exports.json_out import gradcheck_json

    _write(args, lambda: gradcheck_json(check), lambda: gradcheck_text(check))
    return EXIT_OK if check.passed else EXIT_CHECK_FAILED


def cmd_open(args: argparse.Namespace) -> int:
    from stepper.served import Served

    served = Served.from_environment()  # a browser tab of `stepper serve`
    if served is not None:
        served.apply_limits()
    net = _load(args)  # validate before starting the UI: bad input gets a message, not a screen
    from stepper.app import StepperApp
    from stepper.app.heap import freeze_long_lived

    # The app reads and checks the --compare file as it is made, before its screen opens.
    app = StepperApp(network=net, compare=args.compare, served=served)
    freeze_long_lived()  # this process is the app's
    app.run()
    return app.return_code or EXIT_OK  # Textual sets 1 if the app crashed


def cmd_serve(args: argparse.Namespace) -> int:
    _load(args)  # bad input gets its message here, not in every browser tab
    from stepper.serve import serve
    from stepper.serve_server import Limits

    argv = [args.network] if args.network else []
    flags = [
        ("--lr", args.lr),
        ("--init", args.init),
        ("--seed", args.seed),
        ("--optimizer", args.optimizer),
        ("--batch-size", args.batch_size),
    ]
    flags += [(f"--{flag}", getattr(args, flag.replace("-", "_"))) for flag, _ in HYPER_FLAGS]
    for flag, value in flags:
        if value is not None:
            argv += [flag, repr(value) if isinstance(value, float) else str(value)]
    serve(
        argv,
        args.host,
        args.port,
        token=args.token,
        root=args.root,
        limits=Limits(
            tabs=args.max_tabs,
            columns=args.max_size[0],
            rows=args.max_size[1],
            memory_mib=args.memory,
            idle_minutes=args.idle,
        ),
    )
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "open": cmd_open,
    "trace": cmd_trace,
    "train": cmd_train,
    "diagnose": cmd_diagnose,
    "map": cmd_map,
    "compare": cmd_compare,
    "gradcheck": cmd_gradcheck,
    "examples": cmd_examples,
    "serve": cmd_serve,
}


def say(message: str) -> None:
    """A message on stderr; on a terminal, wrapped to its width between words, a path kept whole
    (an error naming a long path ran past 80 columns and the terminal broke it mid-word). Into a
    file or a pipe, one line, as scripts read it."""
    if not sys.stderr.isatty():
        print(message, file=sys.stderr)
        return
    from stepper.formatting import wrap_kept

    width = max(40, shutil.get_terminal_size().columns - 1)
    print("\n".join(wrap_kept(message, width, subsequent_indent="  ")), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    import numpy as np

    try:
        # Overflow and NaN are outcomes stepper reports (divergence, non-finite values), never
        # numpy warnings leaking to stderr.
        with np.errstate(all="ignore"):
            return HANDLERS[args.command](args)
    except StepperError as exc:
        say(f"stepper: error: {exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("stepper: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `stepper trace | head`: the reader left; say nothing more.
        sys.stderr.close()
        return EXIT_OK
