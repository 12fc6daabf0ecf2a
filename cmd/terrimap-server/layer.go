package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"terrimap/store/schema"
	"terrimap/sync/server"
	"terrimap/sync/server/demoseed"
)

func runLayer(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: say list, add-standard, add-field, add-code, title, temporal or edit-by", errUsage)
	}
	sub := args[0]
	fs := flags("layer " + sub)
	db := fs.String("db", "", dbUsage)
	layer := fs.String("layer", "", "layer name")
	name := fs.String("name", "", "field name (add-field)")
	typ := fs.String("type", "text", "field type: text, integer, real, boolean, date, datetime (add-field)")
	title := fs.String("title", "", "field title (add-field), or the layer's new title (title)")
	field := fs.String("field", "", "field whose code list grows (add-code), or the date field that places features in time, none for no field (temporal)")
	code := fs.String("code", "", "code to add (add-code)")
	label := fs.String("label", "", "label of the code (add-code)")
	by := fs.String("by", "", "who may edit the layer: editor (editors, within their territory) or admin (edit-by)")
	standard := fs.String("standard", "", "the layers a desk feature needs, published empty: "+strings.Join(demoseed.StandardNames(), ", ")+" (add-standard)")
	rest, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	if err := need(*db, "db"); err != nil {
		return err
	}
	st, err := openPlatform(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "list":
		return listLayers(ctx, st, e)
	case "add-standard":
		if err := need(*standard, "standard"); err != nil {
			return err
		}
		return addStandard(ctx, st, *standard, e)
	}
	if err := need(*layer, "layer"); err != nil {
		return err
	}
	rec, err := findLayer(ctx, st, *layer)
	if err != nil {
		return err
	}
	s := &rec.Schema
	switch sub {
	case "add-field":
		if err := need(*name, "name"); err != nil {
			return err
		}
		s.Fields = append(s.Fields, schema.Field{Name: *name, Title: *title, Type: schema.FieldType(*typ)})
	case "add-code":
		if err := need(*field, "field"); err != nil {
			return err
		}
		if err := need(*code, "code"); err != nil {
			return err
		}
		found := false
		for i := range s.Fields {
			if s.Fields[i].Name == *field {
				lbl := *label
				if lbl == "" {
					lbl = *code
				}
				s.Fields[i].Domain = append(s.Fields[i].Domain, schema.CodedValue{Code: *code, Label: lbl})
				found = true
			}
		}
		if !found {
			return fmt.Errorf("layer %s has no field %s", *layer, *field)
		}
	case "title":
		if err := need(*title, "title"); err != nil {
			return err
		}
		s.Title = *title
	case "temporal":
		if err := need(*field, "field"); err != nil {
			return err
		}
		s.Temporal = *field
		if *field == "none" {
			s.Temporal = ""
		}
		if err := s.Validate(); err != nil {
			return fmt.Errorf("--field %s: the layer's date or datetime fields can place its features in time: %w", *field, err)
		}
	case "edit-by":
		if err := need(*by, "by"); err != nil {
			return err
		}
		rec.EditBy = server.EditRight(*by)
	default:
		return fmt.Errorf("%w: %q is not list, add-standard, add-field, add-code, title, temporal or edit-by", errUsage, sub)
	}
	if err := st.PutLayer(ctx, rec); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Layer %s updated; clients adopt the new schema at their next sync, keeping their pending edits.\n", *layer)
	return nil
}

func findLayer(ctx context.Context, st platform, name string) (server.LayerRecord, error) {
	layers, err := st.Layers(ctx)
	if err != nil {
		return server.LayerRecord{}, err
	}
	for _, l := range layers {
		if l.Schema.Name == name {
			return l, nil
		}
	}
	return server.LayerRecord{}, fmt.Errorf("the platform has no layer %s (terrimap-server layer list shows them)", name)
}

func listLayers(ctx context.Context, st platform, e env) error {
	layers, err := st.Layers(ctx)
	if err != nil {
		return err
	}
	counts, err := st.LayerCounts(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LAYER\tTITLE\tGEOMETRY\tFEATURES\tFIELDS\tEDITED BY")
	for _, l := range layers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", l.Schema.Name, l.Schema.DisplayTitle(), l.Schema.GeometryType, counts[l.Schema.Name], len(l.Schema.Fields), l.EditBy)
	}
	return tw.Flush()
}

// addStandard publishes the layers of a standard the platform lacks, empty;
// a layer already there is left as it is (its data, its schema).
func addStandard(ctx context.Context, st platform, name string, e env) error {
	recs, err := demoseed.Standard(name)
	if errors.Is(err, demoseed.ErrUnknownStandard) {
		return fmt.Errorf("%w: --standard %q: say %s", errUsage, name, strings.Join(demoseed.StandardNames(), " or "))
	}
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if _, err := findLayer(ctx, st, rec.Schema.Name); err == nil {
			fmt.Fprintf(e.stdout, "Layer %s is already published: left as it is.\n", rec.Schema.Name)
			continue
		}
		if err := st.PutLayer(ctx, rec); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Layer %s (%s) published, empty, edited by %s; clients receive it at their next sync.\n", rec.Schema.Name, rec.Schema.DisplayTitle(), rec.EditBy)
	}
	return nil
}
