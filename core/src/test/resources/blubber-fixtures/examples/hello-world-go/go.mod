module example.org/hello-world-go

go 1.18
