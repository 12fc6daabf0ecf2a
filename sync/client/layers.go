package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// Access returns what the platform lets this user do on a layer, as last
// synced; ok is false for a layer the platform does not know.
func (c *Client) Access(ctx context.Context, layer string) (protocol.Access, bool) {
	return LayerAccess(ctx, c.ws, layer)
}

// LayerAccess is Access read from the workspace alone, without a client:
// what the last sync recorded the user may do on a layer; ok is false for
// a layer the platform does not know (or a workspace never synced).
func LayerAccess(ctx context.Context, ws *store.Workspace, layer string) (protocol.Access, bool) {
	js, err := ws.Meta(ctx, metaAccessPrefix+layer)
	if err != nil || js == "" {
		return protocol.Access{}, false
	}
	var a protocol.Access
	if json.Unmarshal([]byte(js), &a) != nil {
		return protocol.Access{}, false
	}
	return a, true
}

// Styles returns the layer styles the platform published, by layer (JSON
// for mapview.ParseStyle); layers without one are absent.
func Styles(ctx context.Context, ws *store.Workspace) map[string][]byte {
	out := map[string][]byte{}
	for _, l := range ws.Layers() {
		if js, err := ws.Meta(ctx, metaStylePrefix+l.Name()); err == nil && js != "" {
			out[l.Name()] = []byte(js)
		}
	}
	return out
}

// LayerReport says what a layer sync did.
type LayerReport struct {
	Created, Updated []string
	// Publish lists local layers the platform does not have, with the
	// platform's answer when they were offered to it.
	Publish map[string]error
}

// heldLayers returns what tells whether a layer's changes wait on this
// computer: the push and Preview send only the changes of the layers the
// platform has — it recorded what the user may do on them at the last
// layers step (its layers response, or accepting them when offered) and
// did not refuse them at this sync (offered: the layers step's
// LayerReport.Publish, a refusal a non-nil error; nil outside a sync) — and
// those of layers of another source, as ever. Every other layer's changes
// are held: refused ones, and a layer made after the layers step (offered
// at the next sync). Answers are remembered by layer.
func heldLayers(ctx context.Context, ws *store.Workspace, offered map[string]error) func(layer string) bool {
	memo := map[string]bool{}
	return func(layer string) bool {
		held, seen := memo[layer]
		if !seen {
			held = !onPlatform(ctx, ws, layer, offered)
			memo[layer] = held
		}
		return held
	}
}

// onPlatform tells whether the platform has the layer (see heldLayers).
func onPlatform(ctx context.Context, ws *store.Workspace, layer string, offered map[string]error) bool {
	if l, err := ws.Layer(layer); err == nil && l.Foreign {
		return true
	}
	if offered[layer] != nil {
		return false
	}
	_, ok := LayerAccess(ctx, ws, layer)
	return ok
}

// syncLayers brings the platform's layer schemas into the workspace (new
// layers created, changed schemas adopted with pending edits kept), stores
// what the user may do on each, and offers the platform the layers made
// here (accepted from admins only).
func (c *Client) syncLayers(ctx context.Context, token string) (LayerReport, error) {
	c.progress("layers", 0, 0)
	var resp protocol.LayersResponse
	err := c.call(ctx, http.MethodGet, protocol.PathLayers, token, nil, func(r *http.Response) error {
		var err error
		resp, err = protocol.DecodeLayersResponse(r.Body, protocol.MaxLayersBytes)
		return err
	})
	if err != nil {
		return LayerReport{}, err
	}
	rep := LayerReport{Publish: map[string]error{}}
	known := map[string]bool{}
	err = c.ws.Edit(ctx, func(tx *store.Tx) error {
		for _, info := range resp.Layers {
			known[info.Schema.Name] = true
			s := info.Schema
			s.ReadOnly = s.ReadOnly || !info.Access.CanEdit()
			local, err := c.ws.Layer(s.Name)
			switch {
			case errors.Is(err, store.ErrLayerNotFound):
				if _, err := tx.CreateLayer(s); err != nil {
					return err
				}
				rep.Created = append(rep.Created, s.Name)
			case err != nil:
				return err
			case local.Foreign:
				continue
			case !sameSchema(local.Schema, s):
				if err := tx.UpdateLayerSchema(s); err != nil {
					return err
				}
				rep.Updated = append(rep.Updated, s.Name)
			}
			a, err := json.Marshal(info.Access)
			if err != nil {
				return err
			}
			if err := tx.SetMeta(metaAccessPrefix+s.Name, string(a)); err != nil {
				return err
			}
			if err := tx.SetMeta(metaStylePrefix+s.Name, string(info.Style)); err != nil {
				return err
			}
		}
		return tx.SetMeta(metaSchemaVersion, strconv.FormatInt(resp.SchemaVersion, 10))
	})
	if err != nil {
		return rep, fmt.Errorf("client: layers: %w", err)
	}
	for _, l := range c.ws.Layers() {
		if l.Foreign || known[l.Name()] {
			continue
		}
		rep.Publish[l.Name()] = c.publish(ctx, token, l.Schema)
	}
	return rep, nil
}

// publish offers the platform a layer made in this workspace.
func (c *Client) publish(ctx context.Context, token string, s schema.Layer) error {
	s.ReadOnly = false
	var info protocol.LayerInfo
	err := c.call(ctx, http.MethodPut, protocol.LayerPath(s.Name), token, protocol.LayerInfo{Schema: s}, func(r *http.Response) error {
		var err error
		info, err = protocol.DecodeLayerInfo(r.Body, protocol.MaxLayersBytes)
		return err
	})
	if err != nil {
		return err
	}
	a, err := json.Marshal(info.Access)
	if err != nil {
		return err
	}
	return c.ws.SetMeta(ctx, metaAccessPrefix+s.Name, string(a))
}

func sameSchema(a, b schema.Layer) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
