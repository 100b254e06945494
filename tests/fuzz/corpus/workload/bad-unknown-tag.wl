# expect: wl-unknown-tag 4
swapout 0 1 tag=a

unmap b
