/**
 * Shell completion scripts generated from the command table (command.ts), so every command and
 * option the CLI accepts is offered and nothing else. Znode paths are not completed (that would
 * need a round trip to the ensemble per keystroke); files are, for options that take one.
 */
import { GLOBAL_OPTIONS } from "./args.js";
import type { Command, OptionSpec, OptionSpecs } from "./command.js";

function optionWords(specs: OptionSpecs): string[] {
  return Object.entries(specs).flatMap(([name, spec]) => [
    `--${name}`,
    ...(spec.short === undefined ? [] : [`-${spec.short}`]),
  ]);
}

/** bash `case` arms completing option values: choices, files, or nothing for free text. */
function bashValueArms(commands: readonly Command[]): string[] {
  const arms = new Map<string, string>();
  const add = (name: string, spec: OptionSpec) => {
    if (spec.type !== "string") return;
    const words = [`--${name}`, ...(spec.short === undefined ? [] : [`-${spec.short}`])].join("|");
    const action =
      spec.choices !== undefined
        ? `COMPREPLY=($(compgen -W "${spec.choices.join(" ")}" -- "$cur"))`
        : spec.file === true
          ? `COMPREPLY=($(compgen -f -- "$cur"))`
          : "COMPREPLY=()";
    arms.set(words, `    ${words}) ${action}; return ;;`);
  };
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) add(name, spec);
  for (const command of commands) for (const [name, spec] of Object.entries(command.options)) add(name, spec);
  return [...arms.values()];
}

export function bashCompletion(commands: readonly Command[]): string {
  const globalWords = optionWords(GLOBAL_OPTIONS).join(" ");
  const globalValued = Object.entries(GLOBAL_OPTIONS)
    .filter(([, spec]) => spec.type === "string")
    .map(([name]) => `--${name}`)
    .join("|");
  const commandArms = commands.map((command) => {
    const words = [...optionWords(command.options), ...(command.subcommands ?? [])].join(" ");
    return `    ${command.name}) words="${words}" ;;`;
  });
  return `# bash completion for keel: source <(keel completion bash)
_keel() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local command="" words="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${globalValued}) ((i++)) ;;
      -*) ;;
      *) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
${bashValueArms(commands).join("\n")}
  esac
  if [[ -z "$command" ]]; then
    COMPREPLY=($(compgen -W "${commands.map((command) => command.name).join(" ")} ${globalWords} --version" -- "$cur"))
    return
  fi
  case "$command" in
${commandArms.join("\n")}
  esac
  COMPREPLY=($(compgen -W "$words ${globalWords}" -- "$cur"))
}
complete -F _keel keel
`;
}

/** Text inside a zsh single-quoted word. */
function zshQuote(text: string): string {
  return text.replace(/'/g, `'\\''`);
}

/** A description inside _arguments' [...]: brackets escaped, kept to its first clause. */
function zshDescription(text: string): string {
  const short = text.split(";")[0]?.trim() ?? text;
  return zshQuote(short.replace(/([[\]])/g, "\\$1"));
}

function zshOptionSpecs(specs: OptionSpecs): string[] {
  return Object.entries(specs).map(([name, spec]) => {
    const action =
      spec.type === "boolean"
        ? ""
        : spec.choices !== undefined
          ? `:${(spec.valueName ?? "value").toLowerCase()}:(${spec.choices.join(" ")})`
          : spec.file === true
            ? `:${(spec.valueName ?? "file").toLowerCase()}:_files`
            : `:${(spec.valueName ?? "value").toLowerCase()}: `;
    const description = `[${zshDescription(spec.description)}]`;
    if (spec.short === undefined) return `'--${name}${description}${action}'`;
    return `'(-${spec.short} --${name})'{-${spec.short},--${name}}'${description}${action}'`;
  });
}

export function zshCompletion(commands: readonly Command[]): string {
  const global = zshOptionSpecs(GLOBAL_OPTIONS).join(" \\\n    ");
  const described = commands
    .map((command) => `    '${zshQuote(command.name)}:${zshQuote(command.summary.replace(/:/g, "\\:"))}'`)
    .join("\n");
  const arms = commands.map((command) => {
    const options = zshOptionSpecs(command.options);
    const positional =
      command.subcommands !== undefined
        ? [
            `'1:${command.name === "completion" ? "shell" : "action"}:(${command.subcommands.join(" ")})'`,
            "'*:file:_files'",
          ]
        : command.takesCommand === true
          ? ["'1:name: '", "'*::command:_normal'"]
          : command.pathArgument === true
            ? ["'*:znode path: '"]
            : [];
    return `        ${command.name}) _arguments -s "\${global[@]}" ${[...options, ...positional].join(" ")} ;;`;
  });
  return `#compdef keel
# zsh completion for keel: source <(keel completion zsh), or save as _keel on $fpath
_keel() {
  local curcontext="$curcontext" state line
  local -a global commands
  global=(
    ${global}
  )
  commands=(
${described}
  )
  _arguments -C -s "\${global[@]}" '(- *)--version[print the version]' '1: :->command' '*:: :->args'
  case $state in
    command) _describe -t commands 'keel command' commands ;;
    args)
      case $words[1] in
${arms.join("\n")}
      esac ;;
  esac
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _keel "$@"
else
  compdef _keel keel
fi
`;
}
