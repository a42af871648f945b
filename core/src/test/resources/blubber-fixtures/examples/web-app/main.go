package main

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
)

//go:embed dist
var assets embed.FS

func main() {
	files, err := fs.ReadDir(assets, "dist")
	if err != nil || len(files) == 0 {
		fmt.Println("no assets")
		os.Exit(1)
	}
	for _, f := range files {
		fmt.Println("serving", f.Name())
	}
}
