# expect: wl-tag-defined 3
repeat 2
	swapout 0 1 tag=a
end
