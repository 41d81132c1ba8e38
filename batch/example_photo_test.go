package batch_test

import (
	"bytes"
	"fmt"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/l10n"
)

// A photo whose head fills 80 % of the frame is refused (C-2), the message
// saying what was measured, in the operator's language.
func ExampleCheckPhoto() {
	photo, err := batchtest.PhotoSpec{Head: 0.80}.JPEG()
	if err != nil {
		panic(err)
	}
	res, err := batch.CheckPhoto(bytes.NewReader(photo), batch.PhotoRules{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("quality %d, %s, %d-bit\n", res.Info.Quality, res.Info.Subsampling, res.Info.BitsPerPixel)
	for _, p := range res.Problems {
		fmt.Println(l10n.Error(p, l10n.English))
		fmt.Println(l10n.Error(p, l10n.Chinese))
	}
	// Output:
	// quality 90, 4:2:0, 24-bit
	// head size out of proportion: head height 79 % of the photo, want 60-70 %
	// 头部比例不符：头部高度为照片的79 %，应为60-70 %
	// head size out of proportion: head width 82 % of the photo, want 60-70 %
	// 头部比例不符：头部宽度为照片的82 %，应为60-70 %
}
