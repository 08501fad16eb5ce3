package dist

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseWheelFilename(t *testing.T) {
	tests := []struct {
		in   string
		want WheelName
	}{
		{"foo-1.0-py3-none-any.whl", WheelName{"foo", "1.0", "", []string{"py3"}, []string{"none"}, []string{"any"}}},
		{"foo_bar-2.0.post1-1abc-py2.py3-none-any.whl", WheelName{"foo_bar", "2.0.post1", "1abc", []string{"py2", "py3"}, []string{"none"}, []string{"any"}}},
		{"Foo.Bar-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", WheelName{"Foo.Bar", "1.0", "", []string{"cp312"}, []string{"cp312"}, []string{"manylinux_2_17_x86_64", "manylinux2014_x86_64"}}},
	}
	for _, tt := range tests {
		got, err := ParseWheelFilename(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.in, got, tt.want)
		}
	}
	if w, _ := ParseWheelFilename("a-1-py2.py3-none-any.whl"); w.PyVersion() != "py2.py3" {
		t.Errorf("PyVersion = %q", w.PyVersion())
	}
	for _, bad := range []string{
		"foo-1.0-py3-none-any.zip", "foo-1.0-none-any.whl", "foo-1.0-1-2-py3-none-any.whl",
		"foo-x.y-py3-none-any.whl", "foo-1.0-abc-py3-none-any.whl", "foo__bar-1.0-py3-none-any.whl",
		"-1.0-py3-none-any.whl", "foo-1.0-py3..py2-none-any.whl", "foo-1.0-3py-none-any.whl",
		"foo-1.0-py3--any.whl", "foo bar-1.0-py3-none-any.whl", "foo-1.0-py3-none-any.WHL",
	} {
		if w, err := ParseWheelFilename(bad); !errors.Is(err, ErrInvalidFilename) {
			t.Errorf("%s: got %+v, %v; want ErrInvalidFilename", bad, w, err)
		}
	}
}

func TestParseSdistFilename(t *testing.T) {
	tests := []struct {
		in   string
		want SdistName
	}{
		{"foo-1.0.tar.gz", SdistName{"foo", "1.0", ".tar.gz"}},
		{"foo_bar-1.0rc1.tar.gz", SdistName{"foo_bar", "1.0rc1", ".tar.gz"}},
		{"My.Package-1.0.tar.gz", SdistName{"My.Package", "1.0", ".tar.gz"}},
		{"my-package-1.0.zip", SdistName{"my-package", "1.0", ".zip"}},
		{"python-3-utils-2.0.tar.gz", SdistName{"python-3-utils", "2.0", ".tar.gz"}},
		{"foo-1.0-1.tar.gz", SdistName{"foo", "1.0-1", ".tar.gz"}},
	}
	for _, tt := range tests {
		got, err := ParseSdistFilename(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"foo.tar.gz", "foo-.tar.gz", "-1.0.tar.gz", "foo-1.0.tar.bz2", "foo-1.0.tgz", "foo-bar.tar.gz", "foo- 1.0.tar.gz"} {
		if s, err := ParseSdistFilename(bad); !errors.Is(err, ErrInvalidFilename) {
			t.Errorf("%s: got %+v, %v; want ErrInvalidFilename", bad, s, err)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Foo": "foo", "foo.bar": "foo-bar", "Foo__Bar-.baz": "foo-bar-baz", "a-_-b": "a-b", "x": "x",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
	if FilenameName("My.Package") != "my_package" {
		t.Error(FilenameName("My.Package"))
	}
	for in, want := range map[string]bool{"foo": true, "F0.o-b_r": true, "a": true, "-a": false, "a.": false, "": false, "a b": false, "é": false} {
		if ValidName(in) != want {
			t.Errorf("ValidName(%q) = %v", in, !want)
		}
	}
}
