# sim: slots=1024
repeat 3
	swapout 0 2 tag=x	# defined and freed each time round
	repeat 2
		fork x
	end
	free x
	free x
	free x
end
expect inuse 0
repeat 0
	swapout 0 1 tag=never	# never runs
end
swapout 4 1 tag=kept
repeat 4
	free kept 0 1		# the same page each time: only the first counts
end
expect inuse 15
