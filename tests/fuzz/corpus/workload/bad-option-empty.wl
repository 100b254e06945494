# expect: wl-option-value 2
swapout 0 1 tag=
