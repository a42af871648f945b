module web-app

go 1.18
