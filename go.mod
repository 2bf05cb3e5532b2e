module github.com/belief-ml/belief

go 1.26
