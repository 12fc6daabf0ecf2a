package srs_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"terrimap/store/srs"
)

func ExampleTransformer() {
	toL93, err := srs.Transformer(srs.WGS84, srs.Lambert93)
	if err != nil {
		panic(err)
	}
	p := toL93(orb.Point{4.90855, 46.56343}) // Tournus
	fmt.Printf("%.2f %.2f\n", p[0], p[1])
	// Output: 846181.73 6608811.01
}

func ExampleFromPRJ() {
	code, err := srs.FromPRJ(`PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]`)
	fmt.Println(code, err)
	// Output: 2154 <nil>
}
