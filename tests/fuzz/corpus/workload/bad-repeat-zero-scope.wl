# expect: wl-unknown-tag 5
repeat 0
	swapout 0 1 tag=a
end
unmap a
