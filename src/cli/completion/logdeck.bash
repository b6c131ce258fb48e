# bash completion for logdeck(1): subcommands, options, theme names, and
# field names from the store's field catalogue (`logdeck fields --names`).
# Installed by `make install` as share/bash-completion/completions/logdeck.

_logdeck_fields()
{
    # The store the command line names (--db PATH), else logdeck's default.
    local db=() i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        [[ ${COMP_WORDS[i]} == --db ]] && db=(--db "${COMP_WORDS[i+1]}")
    done
    logdeck "${db[@]}" fields --names 2>/dev/null
}

_logdeck()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local global="--db --config --theme --help --version -v"
    local cmds="index query trace stats alerts store fields demo"
    case $prev in
    --db|--config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --theme) COMPREPLY=($(compgen -W "$(logdeck themes 2>/dev/null)" -- "$cur")); return ;;
    --by|--field) COMPREPLY=($(compgen -W "$(_logdeck_fields)" -- "$cur")); return ;;
    esac
    # The subcommand is the first word that is not an option or its value.
    local cmd="" sub="" i w
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        --db|--config|--theme) ((i++)) ;;
        -*) ;;
        *) if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi ;;
        esac
    done
    case $cmd in
    "")
        if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$global" -- "$cur"))
        else COMPREPLY=($(compgen -W "$cmds" -- "$cur") $(compgen -f -- "$cur")); fi ;;
    index)
        [[ $cur == -* ]] && COMPREPLY=($(compgen -W "--follow --poll --json --format --service --max-line --status-interval --explain-format --ship --host --ship-batch --ship-timeout --journal --help" -- "$cur")) \
            || COMPREPLY=($(compgen -f -- "$cur")) ;;
    query)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--json --count --limit --reverse --explain --help" -- "$cur"))
        else
            # Field names as `field:` for the query language.
            local f; COMPREPLY=()
            for f in $(_logdeck_fields); do [[ $f: == "$cur"* ]] && COMPREPLY+=("$f:"); done
            compopt -o nospace 2>/dev/null
        fi ;;
    trace) COMPREPLY=($(compgen -W "--json --summary --help" -- "$cur")) ;;
    stats)
        if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--json --by --since --field --bucket --help" -- "$cur"))
        else COMPREPLY=(); fi ;;
    alerts)
        if [[ -z $sub ]]; then COMPREPLY=($(compgen -W "check test run list ack silence" -- "$cur"))
        elif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--json --since --for --help" -- "$cur"))
        else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
    store)
        if [[ -z $sub ]]; then COMPREPLY=($(compgen -W "info path prune vacuum init" -- "$cur"))
        else COMPREPLY=($(compgen -W "--json --help" -- "$cur")); fi ;;
    fields) COMPREPLY=($(compgen -W "--names --json --help" -- "$cur")) ;;
    demo) COMPREPLY=($(compgen -W "--dir --keep --rate --seed --help" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -F _logdeck logdeck
