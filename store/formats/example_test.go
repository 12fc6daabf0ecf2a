package formats_test

import (
	"fmt"
	"strings"

	"terrimap/store/formats"
)

func ExampleReadCSV() {
	const pei = "numero;longitude;latitude;debit;disponible\n" +
		"PEI-001;4,9077;46,5633;60;oui\n" +
		"PEI-002;4,8347;46,3069;;non\n"
	ds, err := formats.ReadCSV(strings.NewReader(pei), "Poteaux incendie.csv", formats.CSVOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(ds.Name, ds.SRS, ds.Fields)
	for _, f := range ds.Features {
		fmt.Println(f.Geometry, f.Properties["numero"], f.Properties["debit"], f.Properties["disponible"])
	}
	// Output:
	// poteaux_incendie 4326 [{numero text} {debit integer} {disponible boolean}]
	// [4.9077 46.5633] PEI-001 60 true
	// [4.8347 46.3069] PEI-002 <nil> false
}

func ExampleReadGeoJSON() {
	const doc = `{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[4.9,46.5]},
		"properties":{"nom":"Mâcon","pose":"2019-04-01","diametre":110}}`
	ds, err := formats.ReadGeoJSON(strings.NewReader(doc), "vannes.geojson")
	if err != nil {
		panic(err)
	}
	f := ds.Features[0]
	fmt.Println(ds.Name, ds.Fields, f.ID, f.Properties["pose"], f.Properties["diametre"])
	// Output: vannes [{nom text} {pose date} {diametre integer}] 7 2019-04-01 110
}
