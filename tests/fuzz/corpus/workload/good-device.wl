# The size a workload wants; the caller may override it.
device 4M
swapout 0 1 tag=a
