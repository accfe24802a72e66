// importer/torch_op_table.cpp - ONNX ops that are one torch expression of their inputs.
#include <algorithm>
#include <cmath>

#include "importer/torch_node_util.h"
#include "weights/decode.h"

namespace nf::importer::detail {

namespace {

std::string unary(const char* fn, const std::vector<std::string>& in) { return std::string(fn) + "(" + in[0] + ")"; }

// "strides, pads, dilations, groups" of a convolution-like node whose weight is input `w`.
Result<std::string> convGeometry(Ctx& c, const ir::Node& n, size_t w = 1) {
  const std::string auto_pad = attrStr(n, "auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID") return Error{n.op_type + " with auto_pad " + auto_pad};
  size_t k = 0;
  if (auto kernel = attrInts(n, "kernel_shape")) k = kernel->size();
  else if (const ir::Value& v = c.g.value(n.inputs[w]); v.type.isTensor() && v.type.shape.rank_known) k = v.type.shape.dims.size() - 2;
  else if (c.rankOf(n.inputs[0]) > 2) k = static_cast<size_t>(c.rankOf(n.inputs[0]) - 2);
  if (k < 1 || k > 3) return Error{n.op_type + " of unknown rank"};
  return pyInts(attrIntsOr(n, "strides", std::vector<int64_t>(k, 1))) + ", " + pyInts(attrIntsOr(n, "pads", std::vector<int64_t>(2 * k, 0))) +
         ", " + pyInts(attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1))) + ", " + std::to_string(attrInt(n, "group", 1));
}

}  // namespace

const std::map<std::string, ExprBuilder, std::less<>>& simpleOps() {
  using In = const std::vector<std::string>&;
  static const std::map<std::string, ExprBuilder, std::less<>> ops = {
      {"Relu", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.relu", in); }},
      {"Sigmoid", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sigmoid", in); }},
      {"Tanh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.tanh", in); }},
      {"Exp", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.exp", in); }},
      {"Log", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.log", in); }},
      {"Sqrt", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sqrt", in); }},
      {"Abs", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.abs", in); }},
      {"Neg", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "-" + in[0]; }},
      {"Erf", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.erf", in); }},
      {"Reciprocal", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.reciprocal", in); }},
      {"Floor", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.floor", in); }},
      {"Ceil", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.ceil", in); }},
      {"Round", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.round", in); }},
      {"Sign", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sign", in); }},
      {"Sin", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sin", in); }},
      {"Cos", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.cos", in); }},
      {"Tan", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.tan", in); }},
      {"Asin", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.asin", in); }},
      {"Acos", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.acos", in); }},
      {"Atan", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.atan", in); }},
      {"Sinh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sinh", in); }},
      {"Cosh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.cosh", in); }},
      {"Asinh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.asinh", in); }},
      {"Acosh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.acosh", in); }},
      {"Atanh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.atanh", in); }},
      {"IsNaN", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.isnan", in); }},
      {"Not", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.logical_not", in); }},
      {"Softplus", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.softplus", in); }},
      {"Softsign", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.softsign", in); }},
      {"HardSwish", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.hardswish", in); }},
      {"Mish", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.mish", in); }},
      {"Det", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.det", in); }},
      {"Add", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0] + " + " + in[1]; }},
      {"Sub", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0] + " - " + in[1]; }},
      {"Mul", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0] + " * " + in[1]; }},
      {"Div", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         c.helpers.use("onnx_div");
         return "onnx_div(" + in[0] + ", " + in[1] + ")";
       }},
      {"Pow", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         return "torch.pow(" + in[0] + ", " + in[1] + ").to(" + in[0] + ".dtype)";
       }},
      {"Mod", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return std::string(attrInt(n, "fmod", 0) ? "torch.fmod(" : "torch.remainder(") + in[0] + ", " + in[1] + ")";
       }},
      {"MatMul", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         if (!c.has_half) return "torch.matmul(" + in[0] + ", " + in[1] + ")";
         c.helpers.use("onnx_matmul");
         return "onnx_matmul(" + in[0] + ", " + in[1] + ")";
       }},
      {"Equal", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.eq(" + in[0] + ", " + in[1] + ")"; }},
      {"Greater", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.gt(" + in[0] + ", " + in[1] + ")"; }},
      {"Less", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.lt(" + in[0] + ", " + in[1] + ")"; }},
      {"GreaterOrEqual", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.ge(" + in[0] + ", " + in[1] + ")"; }},
      {"LessOrEqual", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.le(" + in[0] + ", " + in[1] + ")"; }},
      {"And", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.logical_and(" + in[0] + ", " + in[1] + ")"; }},
      {"Or", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.logical_or(" + in[0] + ", " + in[1] + ")"; }},
      {"Xor", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.logical_xor(" + in[0] + ", " + in[1] + ")"; }},
      {"Where", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.where(" + in[0] + ", " + in[1] + ", " + in[2] + ")"; }},
      {"PRelu", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         c.helpers.use("onnx_prelu");
         return "onnx_prelu(" + in[0] + ", " + in[1] + ")";
       }},
      {"IsInf", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const bool pos = attrInt(n, "detect_positive", 1), neg = attrInt(n, "detect_negative", 1);
         if (pos && neg) return "torch.isinf(" + in[0] + ")";
         if (pos) return "torch.isposinf(" + in[0] + ")";
         if (neg) return "torch.isneginf(" + in[0] + ")";
         return "torch.zeros_like(" + in[0] + ", dtype=torch.bool)";
       }},
      {"BitwiseAnd", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.bitwise_and(" + in[0] + ", " + in[1] + ")"; }},
      {"BitwiseOr", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.bitwise_or(" + in[0] + ", " + in[1] + ")"; }},
      {"BitwiseXor", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.bitwise_xor(" + in[0] + ", " + in[1] + ")"; }},
      {"BitwiseNot", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.bitwise_not(" + in[0] + ")"; }},
      {"Hardmax", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string ax = std::to_string(attrInt(n, "axis", -1));
         return "F.one_hot(torch.argmax(" + in[0] + ", dim=" + ax + "), " + in[0] + ".shape[" + ax + "]).movedim(-1, " + ax +
                " % " + in[0] + ".dim()).to(" + in[0] + ".dtype)";
       }},
      {"LpNormalization", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_lp_normalize");
         return "onnx_lp_normalize(" + in[0] + ", " + std::to_string(attrInt(n, "p", 2)) + ", " + std::to_string(attrInt(n, "axis", -1)) + ")";
       }},
      {"Compress", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const ir::Attribute* a = n.attr("axis");
         if (!a) return in[0] + ".reshape(-1)[" + in[1] + ".nonzero().reshape(-1)]";
         return in[0] + ".index_select(" + std::to_string(a->i) + ", " + in[1] + ".nonzero().reshape(-1))";
       }},
      {"GatherND", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_gather_nd");
         return "onnx_gather_nd(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "batch_dims", 0)) + ")";
       }},
      {"ScatterND", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_scatter_nd");
         return "onnx_scatter_nd(" + in[0] + ", " + in[1] + ", " + in[2] + ", " + pyStr(attrStr(n, "reduction", "none")) + ")";
       }},
      {"ScatterElements", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_scatter_elements");
         return "onnx_scatter_elements(" + in[0] + ", " + std::to_string(attrInt(n, "axis", 0)) + ", " + in[1] + ", " + in[2] +
                ", " + pyStr(attrStr(n, "reduction", "none")) + ")";
       }},
      {"Scatter", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_scatter_elements");
         return "onnx_scatter_elements(" + in[0] + ", " + std::to_string(attrInt(n, "axis", 0)) + ", " + in[1] + ", " + in[2] + ")";
       }},
      {"OneHot", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_one_hot");
         return "onnx_one_hot(" + in[0] + ", " + in[1] + ", " + in[2] + ", " + std::to_string(attrInt(n, "axis", -1)) + ")";
       }},
      {"GridSample", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_grid_sample");
         return "onnx_grid_sample(" + in[0] + ", " + in[1] + ", " + pyStr(attrStr(n, "mode", c.opset >= 20 ? "linear" : "bilinear")) +
                ", " + pyStr(attrStr(n, "padding_mode", "zeros")) + ", " + std::to_string(attrInt(n, "align_corners", 0)) + ")";
       }},
      {"ConvTranspose", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         if (n.attr("output_shape")) return Error{"ConvTranspose with output_shape"};
         const std::string auto_pad = attrStr(n, "auto_pad", "NOTSET");
         if (auto_pad != "NOTSET" && auto_pad != "VALID") return Error{"ConvTranspose with auto_pad " + auto_pad};
         const ir::Tensor* w = c.initializer(n.inputs[1]);
         const size_t k = w ? w->dims.size() - 2 : static_cast<size_t>(std::max(1, c.rankOf(n.inputs[0]) - 2));
         c.helpers.use("onnx_conv_transpose");
         return "onnx_conv_transpose(" + in[0] + ", " + in[1] + ", " + (in.size() > 2 && !in[2].empty() ? in[2] : "None") + ", " +
                pyInts(attrIntsOr(n, "strides", std::vector<int64_t>(k, 1))) + ", " + pyInts(attrIntsOr(n, "pads", std::vector<int64_t>(2 * k, 0))) +
                ", " + pyInts(attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1))) + ", " + std::to_string(attrInt(n, "group", 1)) + ", " +
                pyInts(attrIntsOr(n, "output_padding", std::vector<int64_t>(k, 0))) + ")";
       }},
      {"LeakyRelu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.leaky_relu(" + in[0] + ", " + pyFloatLit(attrFloat(n, "alpha", 0.01)) + ")";
       }},
      {"Elu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> { return "F.elu(" + in[0] + ", " + pyFloatLit(attrFloat(n, "alpha", 1.0)) + ")"; }},
      {"Celu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> { return "F.celu(" + in[0] + ", " + pyFloatLit(attrFloat(n, "alpha", 1.0)) + ")"; }},
      {"Selu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return pyFloatLit(attrFloat(n, "gamma", 1.05070102214813232421875)) + " * torch.where(" + in[0] + " > 0, " + in[0] +
                ", " + pyFloatLit(attrFloat(n, "alpha", 1.67326319217681884765625)) + " * (torch.exp(" + in[0] + ") - 1))";
       }},
      {"ThresholdedRelu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "torch.where(" + in[0] + " > " + pyFloatLit(attrFloat(n, "alpha", 1.0)) + ", " + in[0] + ", torch.zeros_like(" + in[0] + "))";
       }},
      {"HardSigmoid", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "torch.clamp(" + in[0] + " * " + pyFloatLit(attrFloat(n, "alpha", 0.2)) + " + " + pyFloatLit(attrFloat(n, "beta", 0.5)) + ", 0, 1)";
       }},
      {"Gelu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.gelu(" + in[0] + (attrStr(n, "approximate", "none") == "tanh" ? ", approximate=\"tanh\")" : ")");
       }},
      {"Einsum", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         std::string s = "torch.einsum(" + pyStr(attrStr(n, "equation", ""));
         for (const auto& i : in) s += ", " + i;
         return s + ")";
       }},
      {"Transpose", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         auto perm = attrInts(n, "perm");
         if (!perm) return in[0] + ".permute(*reversed(range(" + in[0] + ".dim())))";
         return in[0] + ".permute(" + pyInts(*perm) + ")";
       }},
      {"Concat", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         std::string s = "torch.cat([";
         for (size_t i = 0; i < in.size(); ++i) s += (i ? ", " : "") + in[i];
         return s + "], dim=" + std::to_string(attrInt(n, "axis", 0)) + ")";
       }},
      {"Cast", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const auto to = static_cast<ir::ElemType>(attrInt(n, "to", 1));
         if (const char* dt = torchDtype(to)) return in[0] + ".to(" + dt + ")";
         if (!emulatedHolder(to)) return Error{"Cast to " + std::string(ir::elemTypeName(to)) + ", which torch lacks"};
         return castToEmulated(c, in[0], to, attrInt(n, "saturate", 1) != 0, attrStr(n, "round_mode", "up"));
       }},
      {"CastLike", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const ir::ElemType to = elemOf(c, n.inputs[1]);
         if (to == ir::ElemType::Undefined) return in[0] + ".to(" + in[1] + ".dtype)";
         if (const char* dt = torchDtype(to)) return in[0] + ".to(" + dt + ")";
         if (!emulatedHolder(to)) return Error{"CastLike to " + std::string(ir::elemTypeName(to)) + ", which torch lacks"};
         return castToEmulated(c, in[0], to, attrInt(n, "saturate", 1) != 0, attrStr(n, "round_mode", "up"));
       }},
      // Quantized ops compute exactly in float64 (every 8-bit product sum fits) and round like ONNX.
      {"QuantizeLinear", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         ir::ElemType to = static_cast<ir::ElemType>(attrInt(n, "output_dtype", 0));
         if (to == ir::ElemType::Undefined) to = hasInput(n, 2) ? elemOf(c, n.inputs[2]) : ir::ElemType::Uint8;
         if (to == ir::ElemType::Undefined) return Error{"QuantizeLinear with a zero point of unknown type"};
         if (!holderDtype(to) || to == ir::ElemType::Float || to == ir::ElemType::Float16 || to == ir::ElemType::BFloat16)
           return Error{"QuantizeLinear to " + std::string(ir::elemTypeName(to))};
         c.helpers.use("onnx_quantize");
         std::string s = "onnx_quantize(" + in[0] + ", " + in[1] + ", " + (hasInput(n, 2) ? in[2] : "None") + ", " +
                         pyStr(std::string(ir::elemTypeName(to)));
         const int64_t axis = attrInt(n, "axis", 1), block = attrInt(n, "block_size", 0);
         if (axis != 1 || block) s += ", " + std::to_string(axis);
         if (block) s += ", " + std::to_string(block);
         if (!attrInt(n, "saturate", 1)) s += ", saturate=False";
         return s + ")";
       }},
      {"DequantizeLinear", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_dequantize");
         std::string s = "onnx_dequantize(" + in[0] + ", " + in[1] + (hasInput(n, 2) ? ", " + in[2] : std::string());
         const int64_t axis = attrInt(n, "axis", 1), block = attrInt(n, "block_size", 0);
         if (axis != 1 || block) s += std::string(hasInput(n, 2) ? "" : ", None") + ", " + std::to_string(axis);
         if (block) s += ", " + std::to_string(block);
         s += ")";
         if (const int64_t out = attrInt(n, "output_dtype", 0)) {
           const char* dt = torchDtype(static_cast<ir::ElemType>(out));
           if (!dt) return Error{"DequantizeLinear to a type torch lacks"};
           s += ".to(" + std::string(dt) + ")";
         }
         return s;
       }},
      {"QLinearMatMul", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         c.helpers.use("onnx_qlinear_matmul");
         std::string s = "onnx_qlinear_matmul(";
         for (size_t i = 0; i < 8; ++i) s += (i ? ", " : "") + in[i];
         return s + ")";
       }},
      {"MatMulInteger", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_matmul_integer");
         return "onnx_matmul_integer(" + in[0] + ", " + in[1] + ", " + (hasInput(n, 2) ? in[2] : "None") + ", " +
                (hasInput(n, 3) ? in[3] : "None") + ")";
       }},
      {"ConvInteger", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto geometry = convGeometry(c, n);
         if (!geometry) return geometry;
         c.helpers.use("onnx_conv_integer");
         return "onnx_conv_integer(" + in[0] + ", " + in[1] + ", " + (hasInput(n, 2) ? in[2] : "None") + ", " +
                (hasInput(n, 3) ? in[3] : "None") + ", " + *geometry + ")";
       }},
      {"QLinearConv", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto geometry = convGeometry(c, n, 3);
         if (!geometry) return geometry;
         c.helpers.use("onnx_qlinear_conv");
         std::string s = "onnx_qlinear_conv(";
         for (size_t i = 0; i < 8; ++i) s += (i ? ", " : "") + in[i];
         return s + ", " + (hasInput(n, 8) ? in[8] : "None") + ", " + *geometry + ")";
       }},
      {"BitCast", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const ir::ElemType from = elemOf(c, n.inputs[0]), to = static_cast<ir::ElemType>(attrInt(n, "to", 0));
         // uint16/uint32 are held in the next wider signed type: narrow (wrapping) to their width first.
         auto signedOfWidth = [](ir::ElemType e) -> const char* {
           return e == ir::ElemType::Uint16 ? "torch.int16" : e == ir::ElemType::Uint32 ? "torch.int32" : nullptr;
         };
         if (from == ir::ElemType::Undefined || !torchDtype(from) || !torchDtype(to) || from == ir::ElemType::Uint64 ||
             to == ir::ElemType::Uint64 || ir::elemTypeBits(from) != ir::elemTypeBits(to) || from == ir::ElemType::Bool || to == ir::ElemType::Bool)
           return Error{"BitCast from " + std::string(ir::elemTypeName(from)) + " to " + std::string(ir::elemTypeName(to))};
         std::string x = in[0];
         if (const char* narrow = signedOfWidth(from)) x += ".to(" + std::string(narrow) + ")";
         if (const char* narrow = signedOfWidth(to))
           return x + ".view(" + narrow + ").to(" + torchDtype(to) + ") & " + (to == ir::ElemType::Uint16 ? "0xFFFF" : "0xFFFFFFFF");
         return x + ".view(" + torchDtype(to) + ")";
       }},
      {"CenterCropPad", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_center_crop_pad");
         auto axes = attrInts(n, "axes");
         return "onnx_center_crop_pad(" + in[0] + ", " + in[1] + (axes ? ", " + pyInts(*axes) : std::string()) + ")";
       }},
      {"Col2Im", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_col2im");
         std::string s = "onnx_col2im(" + in[0] + ", " + in[1] + ", " + in[2];
         for (const char* a : {"dilations", "pads", "strides"})
           if (auto v = attrInts(n, a)) s += std::string(", ") + a + "=" + pyInts(*v);
         return s + ")";
       }},
      {"RotaryEmbedding", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_rotary_embedding");
         return "onnx_rotary_embedding(" + in[0] + ", " + in[1] + ", " + in[2] + ", " + (hasInput(n, 3) ? in[3] : "None") + ", " +
                std::to_string(attrInt(n, "interleaved", 0)) + ", " + std::to_string(attrInt(n, "num_heads", 0)) + ", " +
                std::to_string(attrInt(n, "rotary_embedding_dim", 0)) + ")";
       }},
      {"Swish", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const double alpha = attrFloat(n, "alpha", 1.0);
         if (alpha == 1.0) return "F.silu(" + in[0] + ")";
         return in[0] + " * torch.sigmoid(" + pyFloatLit(alpha) + " * " + in[0] + ")";
       }},
      {"ReverseSequence", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_reverse_sequence");
         return "onnx_reverse_sequence(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "batch_axis", 1)) + ", " +
                std::to_string(attrInt(n, "time_axis", 0)) + ")";
       }},
      {"TensorScatter", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const std::string mode = attrStr(n, "mode", "linear");
         if (mode != "linear" && mode != "circular") return Error{"TensorScatter mode " + mode};
         c.helpers.use("onnx_tensor_scatter");
         return "onnx_tensor_scatter(" + in[0] + ", " + in[1] + ", " + (hasInput(n, 2) ? in[2] : "None") + ", " +
                std::to_string(attrInt(n, "axis", -2)) + (mode == "circular" ? ", circular=True)" : ")");
       }},
      {"DFT", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_dft");
         std::string axis = std::to_string(attrInt(n, "axis", 1));
         if (c.opset >= 20) axis = hasInput(n, 2) ? "int(" + in[2] + ")" : "-2";
         return "onnx_dft(" + in[0] + ", " + (hasInput(n, 1) ? in[1] : "None") + ", " + axis + ", " +
                std::to_string(attrInt(n, "inverse", 0)) + ", " + std::to_string(attrInt(n, "onesided", 0)) + ")";
       }},
      {"STFT", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         if (!hasInput(n, 2) && !hasInput(n, 3)) return Error{"STFT without a window or frame length"};
         c.helpers.use("onnx_stft");
         return "onnx_stft(" + in[0] + ", " + in[1] + ", " + (hasInput(n, 2) ? in[2] : "None") + ", " + (hasInput(n, 3) ? in[3] : "None") +
                ", " + std::to_string(attrInt(n, "onesided", 1)) + ")";
       }},
      {"NonMaxSuppression", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_nms");
         std::string s = "onnx_nms(" + in[0] + ", " + in[1];
         for (size_t i = 2; i < 5; ++i) s += ", " + (hasInput(n, i) ? in[i] : std::string("None"));
         return s + ", " + std::to_string(attrInt(n, "center_point_box", 0)) + ")";
       }},
      {"EyeLike", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         std::string dt = in[0] + ".dtype";
         if (const int64_t to = attrInt(n, "dtype", 0)) {
           const char* d = torchDtype(static_cast<ir::ElemType>(to));
           if (!d) return Error{"EyeLike of a type torch lacks"};
           dt = d;
         }
         const std::string k = std::to_string(attrInt(n, "k", 0));
         return "torch.ones(" + in[0] + ".shape, dtype=" + dt + ").triu(" + k + ").tril(" + k + ")";
       }},
      {"RoiAlign", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const std::string mode = attrStr(n, "mode", "avg");
         if (mode != "avg" && mode != "max") return Error{"RoiAlign mode " + mode};
         // Opset 10 had no attribute and behaved as output_half_pixel.
         const std::string transform = attrStr(n, "coordinate_transformation_mode", c.opset >= 16 ? "half_pixel" : "output_half_pixel");
         c.helpers.use("onnx_roi_align");
         return "onnx_roi_align(" + in[0] + ", " + in[1] + ", " + in[2] + ", " + pyStr(mode) + ", " +
                std::to_string(attrInt(n, "output_height", 1)) + ", " + std::to_string(attrInt(n, "output_width", 1)) + ", " +
                std::to_string(attrInt(n, "sampling_ratio", 0)) + ", " + pyFloatLit(attrFloat(n, "spatial_scale", 1.0)) + ", " +
                (transform == "half_pixel" ? "True" : "False") + ")";
       }},
      {"AffineGrid", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_ints");
         return "F.affine_grid(" + in[0] + ", onnx_ints(" + in[1] + "), align_corners=" + (attrInt(n, "align_corners", 0) ? "True" : "False") + ")";
       }},
      // Optional values are None or the value itself.
      {"Optional", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> { return hasInput(n, 0) ? in[0] : std::string("None"); }},
      {"OptionalHasElement", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return hasInput(n, 0) ? "torch.tensor(" + in[0] + " is not None)" : std::string("torch.tensor(False)");
       }},
      {"OptionalGetElement", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0]; }},
      {"DeformConv", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         if (c.rankOf(n.inputs[0]) != 4) return Error{"DeformConv other than 2-D"};
         const std::string auto_pad = attrStr(n, "auto_pad", "NOTSET");
         if (auto_pad != "NOTSET" && auto_pad != "VALID") return Error{"DeformConv with auto_pad " + auto_pad};
         c.helpers.use("onnx_deform_conv");
         std::string s = "onnx_deform_conv(" + in[0] + ", " + in[1] + ", " + in[2] + ", " + (hasInput(n, 3) ? in[3] : "None") + ", " +
                         (hasInput(n, 4) ? in[4] : "None");
         if (auto v = attrInts(n, "strides")) s += ", strides=" + pyInts(*v);
         if (auto v = attrInts(n, "pads")) s += ", pads=" + pyInts(*v);
         if (auto v = attrInts(n, "dilations")) s += ", dilations=" + pyInts(*v);
         if (attrInt(n, "group", 1) != 1) s += ", group=" + std::to_string(attrInt(n, "group", 1));
         if (attrInt(n, "offset_group", 1) != 1) s += ", offset_group=" + std::to_string(attrInt(n, "offset_group", 1));
         return s + ")";
       }},
      {"TfIdfVectorizer", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         if (n.attr("pool_strings")) return Error{"TfIdfVectorizer over strings, which torch lacks"};
         auto pool = attrInts(n, "pool_int64s");
         auto counts = attrInts(n, "ngram_counts");
         auto indexes = attrInts(n, "ngram_indexes");
         if (!pool || !counts || !indexes || indexes->empty()) return Error{"TfIdfVectorizer without its n-gram pool"};
         const std::string mode = attrStr(n, "mode", "TF");
         c.helpers.use("onnx_tfidf");
         std::string s = "onnx_tfidf(" + in[0] + ", " + std::to_string(attrInt(n, "min_gram_length", 1)) + ", " +
                         std::to_string(attrInt(n, "max_gram_length", 1)) + ", " + std::to_string(attrInt(n, "max_skip_count", 0)) + ", " +
                         pyInts(*pool) + ", " + pyInts(*counts) + ", " + pyInts(*indexes);
         if (const ir::Attribute* w = n.attr("weights"); w && !w->floats.empty()) {
           s += ", weights=[";
           for (size_t i = 0; i < w->floats.size(); ++i) s += (i ? ", " : "") + pyFloatLit(w->floats[i]);
           s += "]";
         }
         if (mode != "TF") s += ", mode=" + pyStr(mode);
         return s + ")";
       }},
      {"ImageDecoder", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const std::string format = attrStr(n, "pixel_format", "RGB");
         if (format != "RGB" && format != "BGR" && format != "Grayscale") return Error{"ImageDecoder pixel_format " + format};
         c.helpers.use("onnx_image_decoder");
         return "onnx_image_decoder(" + in[0] + (format != "RGB" ? ", " + pyStr(format) : std::string()) + ")";
       }},
      {"Shape", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const ir::Attribute* s = n.attr("start");
         const ir::Attribute* e = n.attr("end");
         std::string range = s || e ? "[" + (s ? std::to_string(s->i) : "") + ":" + (e ? std::to_string(e->i) : "") + "]" : "";
         return "torch.tensor(" + in[0] + ".shape" + range + ", dtype=torch.int64)";
       }},
      {"Size", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.tensor(" + in[0] + ".numel(), dtype=torch.int64)"; }},
      {"Expand", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto shape = intsArg(c, n.inputs[1]);
         if (!shape) return shape;
         return in[0] + ".expand(torch.broadcast_shapes(" + in[0] + ".shape, tuple(onnx_ints(" + *shape + "))))";
       }},
      {"Tile", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto reps = intsArg(c, n.inputs[1]);
         if (!reps) return reps;
         c.helpers.use("onnx_ints");
         return in[0] + ".repeat(onnx_ints(" + *reps + "))";
       }},
      {"Range", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         return "torch.arange(" + in[0] + ".item(), " + in[1] + ".item(), " + in[2] + ".item(), dtype=" + in[0] + ".dtype)";
       }},
      {"Clip", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         std::string lo = "None", hi = "None";
         if (c.opset < 11) {
           if (n.attr("min")) lo = pyFloatLit(attrFloat(n, "min", 0));
           if (n.attr("max")) hi = pyFloatLit(attrFloat(n, "max", 0));
         } else {
           if (in.size() > 1 && !in[1].empty()) lo = in[1];
           if (in.size() > 2 && !in[2].empty()) hi = in[2];
         }
         if (lo == "None" && hi == "None") return in[0];
         return "torch.clamp(" + in[0] + ", " + lo + ", " + hi + ")";
       }},
      {"ConstantOfShape", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto shape = intsArg(c, n.inputs[0]);
         if (!shape) return shape;
         c.helpers.use("onnx_ints");
         std::string value = "0.0", dtype = "torch.float32";
         if (const ir::Attribute* a = n.attr("value"); a && !a->tensors.empty()) {
           const ir::Tensor& t = a->tensors[0];
           const char* dt = torchDtype(t.elem);
           if (!dt) return Error{"ConstantOfShape of a type torch lacks"};
           dtype = dt;
           KnownConst k{t.elem, {}, {}};
           auto v = weights::readElements(c.model, t, 0, 1);
           if (!v || v->empty()) return Error{"ConstantOfShape value unreadable"};
           value = t.elem == ir::ElemType::Float || t.elem == ir::ElemType::Double || t.elem == ir::ElemType::Float16
                       ? pyFloatLit((*v)[0])
                       : (t.elem == ir::ElemType::Bool ? ((*v)[0] != 0 ? "True" : "False") : std::to_string(int64_t((*v)[0])));
         }
         return "torch.full(onnx_ints(" + *shape + "), " + value + ", dtype=" + dtype + ")";
       }},
      {"GlobalAveragePool", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         return in[0] + ".mean(dim=tuple(range(2, " + in[0] + ".dim())), keepdim=True)";
       }},
      {"GlobalMaxPool", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         return "torch.amax(" + in[0] + ", dim=tuple(range(2, " + in[0] + ".dim())), keepdim=True)";
       }},
      {"LRN", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.local_response_norm(" + in[0] + ", " + std::to_string(attrInt(n, "size", 1)) + ", " +
                pyFloatLit(attrFloat(n, "alpha", 1e-4)) + ", " + pyFloatLit(attrFloat(n, "beta", 0.75)) + ", " +
                pyFloatLit(attrFloat(n, "bias", 1.0)) + ")";
       }},
      {"InstanceNormalization", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.instance_norm(" + in[0] + ", weight=" + in[1] + ", bias=" + in[2] + ", eps=" +
                pyFloatLit(attrFloat(n, "epsilon", 1e-5)) + ")";
       }},
      {"LayerNormalization", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.layer_norm(" + in[0] + ", " + in[0] + ".shape[" + std::to_string(attrInt(n, "axis", -1)) + ":], " + in[1] +
                ", " + (in.size() > 2 && !in[2].empty() ? in[2] : "None") + ", " + pyFloatLit(attrFloat(n, "epsilon", 1e-5)) + ")";
       }},
      {"Gemm", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_gemm");
         return "onnx_gemm(" + in[0] + ", " + in[1] + ", " + (in.size() > 2 && !in[2].empty() ? in[2] : "None") + ", " +
                pyFloatLit(attrFloat(n, "alpha", 1.0)) + ", " + pyFloatLit(attrFloat(n, "beta", 1.0)) + ", " +
                std::to_string(attrInt(n, "transA", 0)) + ", " + std::to_string(attrInt(n, "transB", 0)) + ")";
       }},
      {"Flatten", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const int64_t axis = attrInt(n, "axis", 1);
         if (axis == 1 && c.rankOf(n.inputs[0]) >= 2) return "torch.flatten(" + in[0] + ", 1)";
         c.helpers.use("onnx_flatten");
         return "onnx_flatten(" + in[0] + ", " + std::to_string(axis) + ")";
       }},
      {"Reshape", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const int64_t allowzero = attrInt(n, "allowzero", 0);
         std::optional<std::vector<int64_t>> shape;
         if (c.opset < 5) shape = attrInts(n, "shape");
         else shape = c.knownInts(n.inputs[1]);
         if (shape && std::find(shape->begin(), shape->end(), 0) == shape->end()) {
           std::string s = pyInts(*shape);
           return in[0] + ".reshape(" + s.substr(1, s.size() - 2) + (shape->size() == 1 ? ",)" : ")");
         }
         c.helpers.use("onnx_reshape");
         return "onnx_reshape(" + in[0] + ", " + (shape ? pyInts(*shape) : in[1]) + ", " + std::to_string(allowzero) + ")";
       }},
      {"Unsqueeze", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_unsqueeze");
         if (c.opset < 13) return "onnx_unsqueeze(" + in[0] + ", " + pyInts(attrIntsOr(n, "axes", {})) + ")";
         auto axes = intsArg(c, n.inputs[1]);
         if (!axes) return axes;
         return "onnx_unsqueeze(" + in[0] + ", " + *axes + ")";
       }},
      {"Squeeze", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_squeeze");
         if (c.opset < 13) {
           auto axes = attrInts(n, "axes");
           return "onnx_squeeze(" + in[0] + (axes ? ", " + pyInts(*axes) : std::string()) + ")";
         }
         if (!hasInput(n, 1)) return "onnx_squeeze(" + in[0] + ")";
         auto axes = intsArg(c, n.inputs[1]);
         if (!axes) return axes;
         return "onnx_squeeze(" + in[0] + ", " + *axes + ")";
       }},
      {"Gather", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_gather");
         return "onnx_gather(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "axis", 0)) + ")";
       }},
      {"GatherElements", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string ax = std::to_string(attrInt(n, "axis", 0));
         return "torch.gather(" + in[0] + ", " + ax + ", torch.where(" + in[1] + " < 0, " + in[1] + " + " + in[0] + ".shape[" +
                ax + "], " + in[1] + ").long())";
       }},
      {"Slice", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_slice");
         if (c.opset < 10) {
           auto axes = attrInts(n, "axes");
           return "onnx_slice(" + in[0] + ", " + pyInts(attrIntsOr(n, "starts", {})) + ", " + pyInts(attrIntsOr(n, "ends", {})) +
                  (axes ? ", " + pyInts(*axes) : std::string()) + ")";
         }
         std::string s = "onnx_slice(" + in[0];
         for (size_t i = 1; i < 5; ++i) {
           if (!hasInput(n, i)) {
             if (i >= 3) s += ", None";
             continue;
           }
           auto v = intsArg(c, n.inputs[i]);
           if (!v) return v;
           s += ", " + *v;
         }
         return s + ")";
       }},
      {"Pad", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_pad");
         const std::string mode = pyStr(attrStr(n, "mode", "constant"));
         if (c.opset < 11)
           return "onnx_pad(" + in[0] + ", " + pyInts(attrIntsOr(n, "pads", {})) + ", " + pyFloatLit(attrFloat(n, "value", 0.0)) +
                  ", " + mode + ")";
         auto pads = intsArg(c, n.inputs[1]);
         if (!pads) return pads;
         std::string axes = "None";
         if (hasInput(n, 3)) {
           auto a = intsArg(c, n.inputs[3]);
           if (!a) return a;
           axes = *a;
         }
         return "onnx_pad(" + in[0] + ", " + *pads + ", " + (hasInput(n, 2) ? in[2] : "0.0") + ", " + mode + ", " + axes + ")";
       }},
      {"Softmax", nullptr},
      {"LogSoftmax", nullptr},
      {"Hardmax", nullptr},
      {"ArgMax", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         if (attrInt(n, "select_last_index", 0)) {
           c.helpers.use("onnx_arg");
           return "onnx_arg(torch.argmax, " + in[0] + ", " + std::to_string(attrInt(n, "axis", 0)) + ", " +
                  std::to_string(attrInt(n, "keepdims", 1)) + ", 1)";
         }
         return "torch.argmax(" + in[0] + ", dim=" + std::to_string(attrInt(n, "axis", 0)) + ", keepdim=" +
                (attrInt(n, "keepdims", 1) ? "True" : "False") + ")";
       }},
      {"ArgMin", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         if (attrInt(n, "select_last_index", 0)) {
           c.helpers.use("onnx_arg");
           return "onnx_arg(torch.argmin, " + in[0] + ", " + std::to_string(attrInt(n, "axis", 0)) + ", " +
                  std::to_string(attrInt(n, "keepdims", 1)) + ", 1)";
         }
         return "torch.argmin(" + in[0] + ", dim=" + std::to_string(attrInt(n, "axis", 0)) + ", keepdim=" +
                (attrInt(n, "keepdims", 1) ? "True" : "False") + ")";
       }},
      {"CumSum", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_cumsum");
         return "onnx_cumsum(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "exclusive", 0)) + ", " +
                std::to_string(attrInt(n, "reverse", 0)) + ")";
       }},
      {"CumProd", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_cumprod");
         return "onnx_cumprod(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "exclusive", 0)) + ", " +
                std::to_string(attrInt(n, "reverse", 0)) + ")";
       }},
      {"RMSNormalization", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_rms_norm");
         return "onnx_rms_norm(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "axis", -1)) + ", " +
                pyFloatLit(attrFloat(n, "epsilon", 1e-5)) + ")";
       }},
      {"LpPool", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto kernel = attrIntsOr(n, "kernel_shape", {});
         const size_t k = kernel.size();
         if (k < 1 || k > 3) return Error{"LpPool over " + std::to_string(k) + " axes"};
         const std::string auto_pad = attrStr(n, "auto_pad", "NOTSET");
         if (auto_pad != "NOTSET" && auto_pad != "VALID") return Error{"LpPool with auto_pad " + auto_pad};
         c.helpers.use("onnx_lp_pool");
         return "onnx_lp_pool(" + in[0] + ", " + std::to_string(attrInt(n, "p", 2)) + ", " + pyInts(kernel) + ", " +
                pyInts(attrIntsOr(n, "strides", std::vector<int64_t>(k, 1))) + ", " + pyInts(attrIntsOr(n, "pads", std::vector<int64_t>(2 * k, 0))) +
                ", " + pyInts(attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1))) + ", " + std::to_string(attrInt(n, "ceil_mode", 0)) + ")";
       }},
      {"BitShift", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return in[0] + (attrStr(n, "direction", "LEFT") == "LEFT" ? " << " : " >> ") + in[1];
       }},
      {"Shrink", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string l = pyFloatLit(attrFloat(n, "lambd", 0.5)), b = pyFloatLit(attrFloat(n, "bias", 0.0));
         return "torch.where(" + in[0] + " < -" + l + ", " + in[0] + " + " + b + ", torch.where(" + in[0] + " > " + l + ", " + in[0] +
                " - " + b + ", torch.zeros_like(" + in[0] + ")))";
       }},
      // Sequences are Python lists of tensors.
      {"SequenceConstruct", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         std::string s = "[";
         for (size_t i = 0; i < in.size(); ++i) s += (i ? ", " : "") + in[i];
         return s + "]";
       }},
      {"SequenceEmpty", [](Ctx&, const ir::Node&, In) -> Result<std::string> { return std::string("[]"); }},
      {"SequenceAt", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0] + "[int(" + in[1] + ")]"; }},
      {"SequenceLength", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.tensor(len(" + in[0] + "), dtype=torch.int64)"; }},
      {"SequenceInsert", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         c.helpers.use("onnx_sequence_insert");
         return "onnx_sequence_insert(" + in[0] + ", " + in[1] + (in.size() > 2 && !in[2].empty() ? ", " + in[2] : std::string()) + ")";
       }},
      {"SequenceErase", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         c.helpers.use("onnx_sequence_erase");
         return "onnx_sequence_erase(" + in[0] + (in.size() > 1 && !in[1].empty() ? ", " + in[1] : std::string()) + ")";
       }},
      {"ConcatFromSequence", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string axis = std::to_string(attrInt(n, "axis", 0));
         return std::string(attrInt(n, "new_axis", 0) ? "torch.stack(" : "torch.cat(") + in[0] + ", dim=" + axis + ")";
       }},
      {"SplitToSequence", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_split_to_sequence");
         return "onnx_split_to_sequence(" + in[0] + ", " + (in.size() > 1 && !in[1].empty() ? in[1] : "None") + ", " +
                std::to_string(attrInt(n, "axis", 0)) + ", " + std::to_string(attrInt(n, "keepdims", 1)) + ")";
       }},
      {"HannWindow", nullptr},
      {"HammingWindow", nullptr},
      {"BlackmanWindow", nullptr},
      {"DepthToSpace", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_depth_to_space");
         return "onnx_depth_to_space(" + in[0] + ", " + std::to_string(attrInt(n, "blocksize", 1)) + ", " +
                pyStr(attrStr(n, "mode", "DCR")) + ")";
       }},
      {"SpaceToDepth", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_space_to_depth");
         return "onnx_space_to_depth(" + in[0] + ", " + std::to_string(attrInt(n, "blocksize", 1)) + ")";
       }},
      {"Trilu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string k = in.size() > 1 && !in[1].empty() ? "int(" + in[1] + ")" : "0";
         return std::string(attrInt(n, "upper", 1) ? "torch.triu(" : "torch.tril(") + in[0] + ", " + k + ")";
       }},
      {"NonZero", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.nonzero(" + in[0] + ").t()"; }},
      {"Resize", nullptr},
      {"Upsample", nullptr},
  };
  return ops;
}

}  // namespace nf::importer::detail
