// app/space_camera.h - the 3D view's orbit camera: a target point, yaw and pitch
// around it, a distance; perspective projection. Matrices are column-major (GL).
#pragma once
#include <array>

#include "views/space_view.h"

namespace nf::app {

using Mat4 = std::array<float, 16>;

struct SpaceCamera {
  views::Vec3 target;
  float yaw = 0.6f;     // radians around +y
  float pitch = 0.55f;  // radians above the x-z plane
  float distance = 100.0f;
  float fov_y = 0.8f;   // radians

  views::Vec3 eye() const;
  Mat4 viewProj(float aspect) const;
  // A ray through canvas point (px, py) of a w x h canvas (y down): origin and unit direction.
  void ray(float px, float py, float w, float h, views::Vec3* origin, views::Vec3* dir) const;
  // Orbit by a pixel delta; pan by a pixel delta (the target moves in the view plane);
  // zoom by a factor on the distance.
  void orbit(float dx, float dy);
  void pan(float dx, float dy, float canvas_h);
  void zoom(float factor);
  // Frames the box [min, max] in a canvas of this aspect.
  void fit(views::Vec3 min, views::Vec3 max, float aspect);
  // Canvas point of a world point; false when behind the camera.
  bool project(views::Vec3 p, float w, float h, float* px, float* py) const;
};

}  // namespace nf::app
