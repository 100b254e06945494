# bash completion for swapfs(8) and swapview(8)             -*- shell-script -*-
#
# Installed twice, as completions/swapfs and completions/swapview, so that
# bash-completion loads it on the first Tab after either name. The commands
# and options are read from the binaries' own --help each time, never
# listed here, so they cannot drift from what the binary accepts
# (tests/integration/test_install.py checks both against --help).

# _swapfs_options PROGRAM [COMMAND]: one line per option of the help text,
# "SHORT LONG ARG" with "-" for a part an option lacks (" -o <file>" is
# "-o - file", "     --ascii" is "- --ascii -").
_swapfs_options()
{
	"$@" --help 2>/dev/null | sed -n -E \
		's/^ {1,6}(-[[:alnum:]])?(, )?(--[[:alnum:]-]+)?( <([^>]*)>)?( {2}.*)?$/\1 \3 \5/p' |
		while read -r s l a; do
			# sed's empty fields collapse: put each word in its place
			case $s in -[[:alnum:]]) ;; *) a=$l l=$s s=- ;; esac
			case $l in --*) ;; *) a=$l l=- ;; esac
			[ "$s$l" = "--" ] && continue
			echo "$s $l ${a:--}"
		done
}

# _swapfs_commands PROGRAM: the words of the help text's "Commands:" list
_swapfs_commands()
{
	"$1" --help 2>/dev/null |
		sed -n '/^Commands:/,/^$/s/^ \([a-z][a-z0-9-]*\) .*/\1/p'
}

# _swapfs_complete PROGRAM [COMMAND]: fill COMPREPLY for the current word
# of a command line of PROGRAM (COMMAND for swapfs' subcommands)
_swapfs_complete()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= opts
	local s l a
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	opts=$(_swapfs_options "$@")	# one --help per Tab

	# the value of an option that takes one: files, except for numbers
	while read -r s l a; do
		[ "$a" = - ] && continue
		[ "$prev" = "$s" ] || [ "$prev" = "$l" ] || continue
		case $a in
		id | n | N | size | count | seed | pages | percent | interval | text | level)
			COMPREPLY=()
			return ;;
		esac
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
	done <<<"$opts"

	if [[ $cur == -* ]]; then
		local words=()
		while read -r s l a; do
			[ "$s" != - ] && words+=("$s")
			[ "$l" != - ] && words+=("$l")
		done <<<"$opts"
		mapfile -t COMPREPLY < <(compgen -W "${words[*]}" -- "$cur")
		return
	fi
	# a source, target or mount point: a file or directory; live: for the
	# running kernel's areas
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

_swapfs()
{
	local prog=${COMP_WORDS[0]} i cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		local cur=${COMP_WORDS[COMP_CWORD]}
		if [[ $cur == -* ]]; then
			_swapfs_complete "$prog"
		else
			mapfile -t COMPREPLY < <(compgen -W \
				"$(_swapfs_commands "$prog")" -- "$cur")
		fi
		return
	fi
	_swapfs_complete "$prog" "$cmd"
}

_swapview()
{
	_swapfs_complete "${COMP_WORDS[0]}"
}

complete -F _swapfs swapfs
complete -F _swapview swapview
